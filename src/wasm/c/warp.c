/* Affine resampling, clamp-to-edge. */
#include "kernels.h"

static inline float at(const float *s, int sw, int sh, int x, int y) { return s[(long)clamp_index(y, sh) * sw + clamp_index(x, sw)]; }

static inline double bilinear(const float *s, int sw, int sh, double x, double y) {
  double fx0 = floor_(x), fy0 = floor_(y);
  int x0 = (int)fx0, y0 = (int)fy0;
  double fx = x - fx0, fy = y - fy0;
  double top = at(s, sw, sh, x0, y0) * (1 - fx) + at(s, sw, sh, x0 + 1, y0) * fx;
  double bottom = at(s, sw, sh, x0, y0 + 1) * (1 - fx) + at(s, sw, sh, x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

EXPORT(warp_affine_bilinear)
void warp_affine_bilinear(const float *src, int sw, int sh, float *dst, int dw, int dh,
                          double m00, double m01, double m02, double m10, double m11, double m12) {
  for (int y = 0; y < dh; y++) {
    for (int x = 0; x < dw; x++) {
      dst[(long)y * dw + x] = (float)bilinear(src, sw, sh, m00 * x + m01 * y + m02, m10 * x + m11 * y + m12);
    }
  }
}

/* Catmull-Rom (Keys a = -0.5). */
static inline void cubic_weights(float t, float *w) {
  float t2 = t * t, t3 = t2 * t;
  w[0] = -0.5f * t3 + t2 - 0.5f * t;
  w[1] = 1.5f * t3 - 2.5f * t2 + 1.0f;
  w[2] = -1.5f * t3 + 2.0f * t2 + 0.5f * t;
  w[3] = 0.5f * t3 - 0.5f * t2;
}

/* Coordinates in double (large images need the precision), weights and taps in float; the common case
   of all 16 taps inside the source skips the clamping. */
EXPORT(warp_affine_bicubic)
void warp_affine_bicubic(const float *src, int sw, int sh, float *dst, int dw, int dh,
                         double m00, double m01, double m02, double m10, double m11, double m12) {
  float wx[4], wy[4];
  for (int y = 0; y < dh; y++) {
    double ub = m01 * y + m02, vb = m11 * y + m12;
    float *d = dst + (long)y * dw;
    for (int x = 0; x < dw; x++) {
      double u = m00 * x + ub, v = m10 * x + vb;
      double fu = floor_(u), fv = floor_(v);
      int x0 = (int)fu, y0 = (int)fv;
      cubic_weights((float)(u - fu), wx);
      cubic_weights((float)(v - fv), wy);
      float acc = 0.0f;
      if (x0 >= 1 && y0 >= 1 && x0 + 2 < sw && y0 + 2 < sh) {
        const float *row = src + (long)(y0 - 1) * sw + (x0 - 1);
        for (int j = 0; j < 4; j++, row += sw) acc += wy[j] * (wx[0] * row[0] + wx[1] * row[1] + wx[2] * row[2] + wx[3] * row[3]);
      } else {
        for (int j = 0; j < 4; j++) {
          float r = 0.0f;
          for (int i = 0; i < 4; i++) r += wx[i] * at(src, sw, sh, x0 - 1 + i, y0 - 1 + j);
          acc += wy[j] * r;
        }
      }
      d[x] = acc;
    }
  }
}
