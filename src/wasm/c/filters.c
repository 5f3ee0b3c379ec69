/* Neighbourhood filters with reflect borders. */
#include "kernels.h"

/* One horizontal pass of a symmetric kernel. Border pixels reflect; the interior runs tap by tap across the
   row, so the SIMD build vectorises it. */
static void convolve_rows(const float *restrict src, float *restrict dst, int w, int h, const float *restrict weights, int radius) {
  for (int y = 0; y < h; y++) {
    const float *s = src + (long)y * w;
    float *d = dst + (long)y * w;
    int lo = radius < w ? radius : w, hi = w - radius > lo ? w - radius : lo;
    for (int x = 0; x < w; x++) {
      if (x >= lo && x < hi) continue;
      float acc = weights[0] * s[x];
      for (int k = 1; k <= radius; k++) acc += weights[k] * (s[reflect_index(x - k, w)] + s[reflect_index(x + k, w)]);
      d[x] = acc;
    }
    for (int x = lo; x < hi; x++) d[x] = weights[0] * s[x];
    for (int k = 1; k <= radius; k++) {
      float wk = weights[k];
      for (int x = lo; x < hi; x++) d[x] += wk * (s[x - k] + s[x + k]);
    }
  }
}

/* Vertical pass row by row, so the inner loop runs along x and vectorises. dst must differ from src. */
static void convolve_columns(const float *restrict src, float *restrict dst, int w, int h, const float *restrict weights, int radius) {
  for (int y = 0; y < h; y++) {
    float *d = dst + (long)y * w;
    const float *c = src + (long)y * w;
    for (int x = 0; x < w; x++) d[x] = weights[0] * c[x];
    for (int k = 1; k <= radius; k++) {
      const float *a = src + (long)reflect_index(y - k, h) * w;
      const float *b = src + (long)reflect_index(y + k, h) * w;
      float wk = weights[k];
      for (int x = 0; x < w; x++) d[x] += wk * (a[x] + b[x]);
    }
  }
}

EXPORT(convolve_separable)
void convolve_separable(const float *src, float *dst, float *tmp, int w, int h, const float *weights, int radius) {
  convolve_rows(src, tmp, w, h, weights, radius);
  convolve_columns(tmp, dst, w, h, weights, radius);
}

static void box_line(const float *src, float *dst, int n, int stride, int r) {
  double sum = 0.0;
  double norm = 1.0 / (2 * r + 1);
  for (int k = -r; k <= r; k++) sum += src[(long)reflect_index(k, n) * stride];
  for (int i = 0; i < n; i++) {
    dst[(long)i * stride] = (float)(sum * norm);
    sum += src[(long)reflect_index(i + r + 1, n) * stride] - src[(long)reflect_index(i - r, n) * stride];
  }
}

EXPORT(box_blur)
void box_blur(const float *src, float *dst, float *tmp, int w, int h, int radius) {
  for (int y = 0; y < h; y++) box_line(src + (long)y * w, tmp + (long)y * w, w, 1, radius);
  for (int x = 0; x < w; x++) box_line(tmp + x, dst + x, h, w, radius);
}

EXPORT(gradient)
void gradient(const float *restrict src, float *restrict gx, float *restrict gy, int w, int h) {
  for (int y = 0; y < h; y++) {
    const float *up = src + (long)reflect_index(y - 1, h) * w;
    const float *down = src + (long)reflect_index(y + 1, h) * w;
    const float *row = src + (long)y * w;
    for (int x = 0; x < w; x++) {
      gx[(long)y * w + x] = (row[reflect_index(x + 1, w)] - row[reflect_index(x - 1, w)]) / 2.0f;
      gy[(long)y * w + x] = (down[x] - up[x]) / 2.0f;
    }
  }
}

EXPORT(laplacian_energy)
void laplacian_energy(const float *restrict src, float *restrict dst, int w, int h) {
  for (int y = 0; y < h; y++) {
    const float *up = src + (long)reflect_index(y - 1, h) * w;
    const float *down = src + (long)reflect_index(y + 1, h) * w;
    const float *row = src + (long)y * w;
    float *d = dst + (long)y * w;
    for (int x = 0; x < w; x++) {
      float left = row[x > 0 ? x - 1 : reflect_index(x - 1, w)];
      float right = row[x < w - 1 ? x + 1 : reflect_index(x + 1, w)];
      float l = left + right + up[x] + down[x] - 4.0f * row[x];
      d[x] = l * l;
    }
  }
}
