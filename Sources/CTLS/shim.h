#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>

// Macros in OpenSSL's headers, which Swift cannot call.
static inline long synq_tls_set_server_name(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }
