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
      if (x == lo) x = hi; /* the interior is done below, vectorised */
      if (x >= w) break;
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

/* Box mean as direct sums of the 2r+1 taps in a fixed order (offset -r first), in float: every pixel's value
   depends only on its neighbours, never on where the row or column starts, so tiles agree with the whole image
   bit for bit (a running sum would carry rounding along the row). Both passes run along rows and vectorise. */
static void box_rows(const float *restrict src, float *restrict dst, int w, int h, int r, float norm) {
  for (int y = 0; y < h; y++) {
    const float *s = src + (long)y * w;
    float *d = dst + (long)y * w;
    int lo = r < w ? r : w, hi = w - r > lo ? w - r : lo;
    for (int x = 0; x < w; x++) {
      if (x == lo) x = hi; /* the interior is done below, vectorised */
      if (x >= w) break;
      float acc = s[reflect_index(x - r, w)];
      for (int k = -r + 1; k <= r; k++) acc += s[reflect_index(x + k, w)];
      d[x] = acc * norm;
    }
    for (int x = lo; x < hi; x++) d[x] = s[x - r];
    for (int k = -r + 1; k <= r; k++) {
      for (int x = lo; x < hi; x++) d[x] += s[x + k];
    }
    for (int x = lo; x < hi; x++) d[x] *= norm;
  }
}

static void box_columns(const float *restrict src, float *restrict dst, int w, int h, int r, float norm) {
  for (int y = 0; y < h; y++) {
    float *d = dst + (long)y * w;
    const float *first = src + (long)reflect_index(y - r, h) * w;
    for (int x = 0; x < w; x++) d[x] = first[x];
    for (int k = -r + 1; k <= r; k++) {
      const float *s = src + (long)reflect_index(y + k, h) * w;
      for (int x = 0; x < w; x++) d[x] += s[x];
    }
    for (int x = 0; x < w; x++) d[x] *= norm;
  }
}

EXPORT(box_blur)
void box_blur(const float *src, float *dst, float *tmp, int w, int h, int radius) {
  float norm = 1.0f / (float)(2 * radius + 1);
  box_rows(src, tmp, w, h, radius, norm);
  box_columns(tmp, dst, w, h, radius, norm);
}

/* Box mean by running sums: the same result as box_blur up to float rounding, at a cost independent of the
   radius. The rounding depends on where a row or column starts, so it serves whole-plane work (alignment),
   never tiles. Rows run pixel by pixel; columns update a whole row from the previous one, so they vectorise. */
EXPORT(box_mean_running)
void box_mean_running(const float *restrict src, float *restrict dst, float *restrict tmp, int w, int h, int r) {
  float norm = 1.0f / ((float)(2 * r + 1) * (float)(2 * r + 1));
  for (int y = 0; y < h; y++) {
    const float *s = src + (long)y * w;
    float *t = tmp + (long)y * w;
    double acc = 0;
    for (int k = -r; k <= r; k++) acc += s[reflect_index(k, w)];
    t[0] = (float)acc;
    for (int x = 1; x < w; x++) {
      acc += s[reflect_index(x + r, w)] - s[reflect_index(x - r - 1, w)];
      t[x] = (float)acc;
    }
  }
  for (int x = 0; x < w; x++) dst[x] = 0;
  for (int k = -r; k <= r; k++) {
    const float *t = tmp + (long)reflect_index(k, h) * w;
    for (int x = 0; x < w; x++) dst[x] += t[x];
  }
  for (int y = 1; y < h; y++) {
    const float *prev = dst + (long)(y - 1) * w;
    const float *in = tmp + (long)reflect_index(y + r, h) * w;
    const float *out = tmp + (long)reflect_index(y - r - 1, h) * w;
    float *d = dst + (long)y * w;
    for (int x = 0; x < w; x++) d[x] = prev[x] + (in[x] - out[x]);
  }
  for (long i = 0; i < (long)w * h; i++) dst[i] *= norm;
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
    /* Interior columns without index arithmetic, so the loop vectorises; the two edge columns reflect. */
    for (int x = 1; x < w - 1; x++) {
      float l = row[x - 1] + row[x + 1] + up[x] + down[x] - 4.0f * row[x];
      d[x] = l * l;
    }
    for (int x = 0; x < w; x += (w > 1 ? w - 1 : 1)) {
      float l = row[reflect_index(x - 1, w)] + row[reflect_index(x + 1, w)] + up[x] + down[x] - 4.0f * row[x];
      d[x] = l * l;
    }
  }
}
