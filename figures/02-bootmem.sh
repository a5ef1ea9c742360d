#!/usr/bin/env bash
# Data for figures/bootmem-map.tex: boot stage 2 with 4 GiB on one node and
# with 1 GiB on two NUMA nodes of 512 MiB, and turn the memory map each
# prints (memblock_dump_all, the zone report) into a table with
# figures/bootmem-map.py.  Writes build/figures/bootmem-map-4G.dat and
# build/figures/bootmem-map-numa.dat.
set -eu
numa='-object memory-backend-ram,id=m0,size=512M
      -object memory-backend-ram,id=m1,size=512M
      -numa node,cpus=0,memdev=m0 -numa node,cpus=1,memdev=m1'
boot() {	# boot NAME MEM SMP EXTRA
	QEMU_MEM=$2 QEMU_SMP=$3 QEMU_EXTRA=$4 timeout 120 \
		boot/qemu.sh build/ch02/Image < /dev/null 2>/dev/null |
		tr -d '\r' > "build/figures/bootmem-$1.log"
	python3 figures/bootmem-map.py "build/figures/bootmem-$1.log" \
		> "build/figures/bootmem-map-$1.dat"
	grep -h 'bootmem: ' "build/figures/bootmem-$1.log" | sed "s/^/$1: /"
}
boot 4G 4G 1 ''
boot numa 1G 2 "$(echo $numa)"
