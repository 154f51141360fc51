vocabulary = ["alpha", "beta", "gamma", "delta", "qubit", "gate", "phase", "spin", "state", "noise"]
pieces = []
x = 7
for i in range(880_000):
    x = (x * 1103515245 + 12345) % 2147483648
    pieces.append(vocabulary[x % 10])
text = " ".join(pieces)
counts = {}
for w in text.split():
    counts[w] = counts.get(w, 0) + 1
print(len(text), counts["qubit"])
