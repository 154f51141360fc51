def main():
    total = 0
    i = 0
    while i < 10_000_000:
        total += i % 7
        i += 1
    return total
print(main())
