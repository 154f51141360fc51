x = 12345
xs = []
for i in range(1_000_000):
    x = (x * 1103515245 + 12345) % 2147483648
    xs.append(x)
xs.sort()
print(xs[0], xs[999_999])
