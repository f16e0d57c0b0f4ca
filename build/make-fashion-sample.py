#!/usr/bin/env python3
"""Regenerates the Fashion-MNIST sample embedded in IBot.Pipeline.Vision.

Takes the first N images of each class, in file order, from Debian's dataset-fashion-mnist
package (apt-get install dataset-fashion-mnist) and writes them in the same idx gzip format.
Usage: python3 build/make-fashion-sample.py [source_dir] [train_per_class] [test_per_class]
"""
import gzip, os, struct, sys

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
per_class = {"train": int(sys.argv[2]) if len(sys.argv) > 2 else 500,
             "t10k": int(sys.argv[3]) if len(sys.argv) > 3 else 100}
out = os.path.join(os.path.dirname(__file__), "..", "src", "IBot.Pipeline.Vision", "Data", "Sample")

for split, n in per_class.items():
    with gzip.open(os.path.join(src, f"{split}-images-idx3-ubyte.gz")) as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        images = f.read()
    with gzip.open(os.path.join(src, f"{split}-labels-idx1-ubyte.gz")) as f:
        magic_l, count_l = struct.unpack(">II", f.read(8))
        labels = f.read()
    assert magic == 2051 and magic_l == 2049 and count == count_l
    taken, seen = [], {}
    for i, label in enumerate(labels):
        if seen.get(label, 0) < n:
            seen[label] = seen.get(label, 0) + 1
            taken.append(i)
    size = rows * cols
    # mtime=0 keeps the files byte-identical between regenerations.
    with gzip.GzipFile(os.path.join(out, f"{split}-images-idx3-ubyte.gz"), "wb", mtime=0) as f:
        f.write(struct.pack(">IIII", 2051, len(taken), rows, cols))
        f.write(b"".join(images[i * size:(i + 1) * size] for i in taken))
    with gzip.GzipFile(os.path.join(out, f"{split}-labels-idx1-ubyte.gz"), "wb", mtime=0) as f:
        f.write(struct.pack(">II", 2049, len(taken)))
        f.write(bytes(labels[i] for i in taken))
    print(split, len(taken), "images")
