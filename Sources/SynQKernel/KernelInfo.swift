import Support

/// What the kernel says about itself in kernel_info_reply.
public enum KernelInfo {
    public static let version = "0.1.0"

    static var reply: JSONObject {
        [
            "implementation": .string("synq"),
            "implementation_version": .string(version),
            "debugger": true,
            "supported_features": .array(["debugger"]),
            "banner": .string("SynQ \(version): a hybrid quantum-classical language. help() for help, %lsmagic for magics."),
            "language_info": .object([
                "name": .string("synq"),
                "version": .string(version),
                "mimetype": .string("text/x-synq"),
                "file_extension": .string(".synq"),
                "pygments_lexer": .string("synq"),
                "codemirror_mode": .object(["name": .string("rust")]),
                "nbconvert_exporter": .string("script"),
            ]),
            "help_links": .array([
                .object(["text": .string("SynQ language reference"), "url": .string("https://github.com/synq-lang/synq/blob/main/docs/language.md")]),
                .object(["text": .string("SynQ quantum guide"), "url": .string("https://github.com/synq-lang/synq/blob/main/docs/quantum.md")]),
            ]),
        ]
    }
}
