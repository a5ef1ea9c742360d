#!/usr/bin/env python3
"""Extract the memory map that stage 2 prints at boot, for a figure.

usage: figures/bootmem-map.py BOOT.LOG > build/figures/bootmem-map-NAME.dat

Reads the lines that mm/memblock.c (memblock_dump_all) and
arch/arm64/mm/init.c (mem_init) print -- the memory and reserved regions,
and each populated zone -- and writes one row per region:

    lane  mid  half  start  end     (addresses in GiB; lane 3: memory,
                                     2: ZONE_DMA32, 1: ZONE_NORMAL, 0: reserved)

figures/bootmem-map.tex draws each row as a bar from start to end.
"""
import re
import sys

GIB = float(1 << 30)
rows = []
with open(sys.argv[1], errors="replace") as log:
    for line in log:
        m = re.search(r" (memory|reserved)\[[^\]]*\]\s+\[(0x[0-9a-f]+)-"
                      r"(0x[0-9a-f]+)\]", line)
        if m:
            lane = 3 if m.group(1) == "memory" else 0
            rows.append((lane, int(m.group(2), 16), int(m.group(3), 16) + 1))
            continue
        m = re.search(r"On node \d+, zone (\S+): \[mem (0x[0-9a-f]+)-"
                      r"(0x[0-9a-f]+)\]", line)
        if m:
            lane = 2 if m.group(1) == "DMA32" else 1
            rows.append((lane, int(m.group(2), 16), int(m.group(3), 16) + 1))
if not rows:
    sys.exit("bootmem-map.py: no memory map in %s" % sys.argv[1])
print("lane mid half start end")
for lane, start, end in rows:
    print("%d %.6f %.6f %.6f %.6f" % (lane, (start + end) / 2 / GIB,
                                      (end - start) / 2 / GIB, start / GIB,
                                      end / GIB))
