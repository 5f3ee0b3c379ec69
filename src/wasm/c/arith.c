/* Per-pixel arithmetic; simple loops the SIMD build vectorises. */
#include "kernels.h"

EXPORT(luminance)
void luminance(const float *restrict r, const float *restrict g, const float *restrict b, float *restrict dst, int n, float wr, float wg, float wb) {
  for (int i = 0; i < n; i++) dst[i] = wr * r[i] + wg * g[i] + wb * b[i];
}

EXPORT(absolute)
void absolute(const float *src, float *dst, int n) {
  for (int i = 0; i < n; i++) dst[i] = __builtin_fabsf(src[i]);
}

EXPORT(add_scaled)
void add_scaled(float *restrict dst, const float *restrict src, int n, float weight) {
  for (int i = 0; i < n; i++) dst[i] += weight * src[i];
}

EXPORT(scale_offset)
void scale_offset(const float *src, float *dst, int n, float scale, float offset) {
  for (int i = 0; i < n; i++) dst[i] = src[i] * scale + offset;
}

EXPORT(divide_safe)
void divide_safe(const float *num, const float *den, float *dst, int n, float eps, float fallback) {
  for (int i = 0; i < n; i++) dst[i] = den[i] > eps ? num[i] / den[i] : fallback;
}

EXPORT(blend_normal)
void blend_normal(float *restrict dst, const float *restrict src, const float *restrict mask, int n) {
  for (int i = 0; i < n; i++) dst[i] = mask[i] * src[i] + (1.0f - mask[i]) * dst[i];
}

EXPORT(min_update)
void min_update(float *restrict dst, const float *restrict src, int n) {
  for (int i = 0; i < n; i++) dst[i] = src[i] < dst[i] ? src[i] : dst[i];
}

EXPORT(smooth_step_ratio)
void smooth_step_ratio(const float *num, const float *den, float *dst, int n, float scale, float lo, float hi) {
  float inv = 1.0f / (hi - lo);
  for (int i = 0; i < n; i++) {
    float t = ((num[i] * scale) / den[i] - lo) * inv;
    t = t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t);
    dst[i] = t * t * (3.0f - 2.0f * t);
  }
}
