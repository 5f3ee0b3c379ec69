/* Crossing between interleaved integer pixels and float planes. */
#include "kernels.h"

EXPORT(deinterleave_u8)
void deinterleave_u8(const unsigned char *restrict src, int pixels, int components, int component, float *restrict dst, float scale) {
  for (int i = 0; i < pixels; i++) dst[i] = (float)src[i * components + component] * scale;
}

EXPORT(deinterleave_u16)
void deinterleave_u16(const unsigned short *restrict src, int pixels, int components, int component, float *restrict dst, float scale) {
  for (int i = 0; i < pixels; i++) dst[i] = (float)src[i * components + component] * scale;
}

static inline int quantize(float v, float scale, float max_value) {
  float q = floorf_(v * scale + 0.5f);
  if (!(q > 0.0f)) return 0; /* also NaN */
  return q < max_value ? (int)q : (int)max_value;
}

EXPORT(interleave_u8)
void interleave_u8(const float *restrict src, int pixels, int components, int component, unsigned char *restrict dst, float scale, float max_value) {
  for (int i = 0; i < pixels; i++) dst[i * components + component] = (unsigned char)quantize(src[i], scale, max_value);
}

EXPORT(interleave_u16)
void interleave_u16(const float *restrict src, int pixels, int components, int component, unsigned short *restrict dst, float scale, float max_value) {
  for (int i = 0; i < pixels; i++) dst[i * components + component] = (unsigned short)quantize(src[i], scale, max_value);
}
