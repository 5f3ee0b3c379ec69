/* Gaussian/Laplacian pyramid steps with the [1 4 6 4 1]/16 kernel, reflect borders. */
#include "kernels.h"

static const float B[3] = {6.0f / 16.0f, 4.0f / 16.0f, 1.0f / 16.0f};

EXPORT(pyr_down)
void pyr_down(const float *restrict src, int w, int h, float *restrict dst) {
  int dw = (w + 1) / 2, dh = (h + 1) / 2;
  for (int y = 0; y < dh; y++) {
    int cy = 2 * y;
    const float *r[5];
    for (int k = -2; k <= 2; k++) r[k + 2] = src + (long)reflect_index(cy + k, h) * w;
    for (int x = 0; x < dw; x++) {
      int cx = 2 * x;
      int xs[5];
      for (int k = -2; k <= 2; k++) xs[k + 2] = reflect_index(cx + k, w);
      float acc = 0.0f;
      for (int i = 0; i < 5; i++) {
        /* Vertical first, as the reference does. */
        float col = B[0] * r[2][xs[i]] + B[1] * (r[1][xs[i]] + r[3][xs[i]]) + B[2] * (r[0][xs[i]] + r[4][xs[i]]);
        int d = i - 2 < 0 ? 2 - i : i - 2;
        acc += B[d] * col;
      }
      dst[(long)y * dw + x] = acc;
    }
  }
}

/* Coarse index of fine position i in the zero-stuffed grid, or -1 where the stuffed value is zero. */
static inline int stuffed(int i, int n) {
  int r = reflect_index(i, n);
  return (r & 1) ? -1 : r / 2;
}

EXPORT(pyr_up_add)
void pyr_up_add(const float *restrict src, int w, int h, float *restrict dst, float sign) {
  int sw = (w + 1) / 2;
  for (int y = 0; y < h; y++) {
    int ys[5];
    for (int k = -2; k <= 2; k++) ys[k + 2] = stuffed(y + k, h);
    for (int x = 0; x < w; x++) {
      float acc = 0.0f;
      for (int i = 0; i < 5; i++) {
        int xx = stuffed(x + i - 2, w);
        if (xx < 0) continue;
        float col = 0.0f;
        for (int j = 0; j < 5; j++) {
          if (ys[j] < 0) continue;
          int d = j - 2 < 0 ? 2 - j : j - 2;
          col += 2.0f * B[d] * src[(long)ys[j] * sw + xx];
        }
        int d = i - 2 < 0 ? 2 - i : i - 2;
        acc += 2.0f * B[d] * col;
      }
      dst[(long)y * w + x] += sign * acc;
    }
  }
}
