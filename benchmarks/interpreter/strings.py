s = ""
for i in range(100_000):
    s += f"piece{i % 10};"
print(len(s))
