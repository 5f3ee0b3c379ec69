/* Shared helpers for the Planewise kernels: freestanding C, no libc. See src/wasm/kernels.ts for the contract. */
#ifndef PLANEWISE_KERNELS_H
#define PLANEWISE_KERNELS_H

#define EXPORT(name) __attribute__((export_name(#name)))

/* Reflect without repeating the edge: -1 -> 1, n -> n-2; repeats periodically far outside. */
static inline int reflect_index(int i, int n) {
  if (n == 1) return 0;
  int period = 2 * (n - 1);
  int m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

static inline int clamp_index(int i, int n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

static inline float floorf_(float x) { return __builtin_floorf(x); }
static inline double floor_(double x) { return __builtin_floor(x); }

#endif
