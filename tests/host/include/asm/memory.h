/*
 * Host stand-in for arch/arm64/include/asm/memory.h (stage 2 on).
 *
 * On the host, "physical" addresses are the process's own addresses: the
 * conversions are the identity, so memory that a test adds to memblock by
 * the address of a buffer can be written through __va() of what memblock
 * hands out.  The struct page array, vmemmap, is whatever the harness or a
 * test points host_vmemmap at (nothing, until a chapter needs it).
 */
#ifndef _ASM_MEMORY_H
#define _ASM_MEMORY_H
#include <linux/types.h>

#define UL(x)			x##UL
#define PAGE_SHIFT		12
#define PAGE_SIZE		(UL(1) << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)		(((x) + PAGE_SIZE - 1) & PAGE_MASK)

#define __phys_to_virt(pa)	((unsigned long)(pa))
#define __virt_to_phys(va)	((phys_addr_t)(unsigned long)(va))
#define __va(pa)		((void *)__phys_to_virt(pa))
#define __pa(va)		__virt_to_phys(va)
#define __pa_symbol(x)		__virt_to_phys(x)
#define phys_to_virt(pa)	__va(pa)
#define virt_to_phys(va)	__pa(va)
#define PHYS_PFN(pa)		((unsigned long)((pa) >> PAGE_SHIFT))
#define PFN_PHYS(pfn)		((phys_addr_t)(pfn) << PAGE_SHIFT)

/*
 * Stage 5 on: the vmalloc area has arm64's addresses, which the host never
 * dereferences.  Its mappings are recorded by host_mm.c, not made, so the
 * area allocator and vmalloc's bookkeeping run natively, but the memory
 * behind a vmalloc address cannot be touched on the host.
 */
#define VMALLOC_START		UL(0xffff800008000000)
#define VMALLOC_END		UL(0xfffffbfff0000000)
#define THREAD_SHIFT		14
#define THREAD_SIZE		(UL(1) << THREAD_SHIFT)
#define THREAD_ALIGN		(2 * THREAD_SIZE)

struct page;
extern struct page *host_vmemmap;
#define vmemmap			host_vmemmap
#endif
