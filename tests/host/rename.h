/*
 * Included first (gcc -include) in every portable kernel file compiled for
 * the host harness.  The kernel defines functions that the C library also
 * defines; renaming them keeps the two apart, so that the harness tests the
 * kernel's own string and formatting code and the C library keeps its own.
 */
#define memset		k_memset
#define memcpy		k_memcpy
#define memmove		k_memmove
#define memcmp		k_memcmp
#define memchr		k_memchr
#define strlen		k_strlen
#define strnlen		k_strnlen
#define strcmp		k_strcmp
#define strncmp		k_strncmp
#define strchr		k_strchr
#define strlcpy		k_strlcpy
#define vsnprintf	k_vsnprintf
#define snprintf	k_snprintf
#define scnprintf	k_scnprintf
