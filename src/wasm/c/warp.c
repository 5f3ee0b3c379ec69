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
static inline void cubic_weights(double t, double *w) {
  double t2 = t * t, t3 = t2 * t;
  w[0] = -0.5 * t3 + t2 - 0.5 * t;
  w[1] = 1.5 * t3 - 2.5 * t2 + 1;
  w[2] = -1.5 * t3 + 2 * t2 + 0.5 * t;
  w[3] = 0.5 * t3 - 0.5 * t2;
}

EXPORT(warp_affine_bicubic)
void warp_affine_bicubic(const float *src, int sw, int sh, float *dst, int dw, int dh,
                         double m00, double m01, double m02, double m10, double m11, double m12) {
  double wx[4], wy[4];
  for (int y = 0; y < dh; y++) {
    for (int x = 0; x < dw; x++) {
      double u = m00 * x + m01 * y + m02, v = m10 * x + m11 * y + m12;
      double fu = floor_(u), fv = floor_(v);
      int x0 = (int)fu, y0 = (int)fv;
      cubic_weights(u - fu, wx);
      cubic_weights(v - fv, wy);
      double acc = 0;
      int interior = x0 >= 1 && y0 >= 1 && x0 + 2 < sw && y0 + 2 < sh;
      for (int j = 0; j < 4; j++) {
        double r = 0;
        if (interior) {
          const float *row = src + (long)(y0 - 1 + j) * sw + (x0 - 1);
          r = wx[0] * row[0] + wx[1] * row[1] + wx[2] * row[2] + wx[3] * row[3];
        } else {
          for (int i = 0; i < 4; i++) r += wx[i] * at(src, sw, sh, x0 - 1 + i, y0 - 1 + j);
        }
        acc += wy[j] * r;
      }
      dst[(long)y * dw + x] = (float)acc;
    }
  }
}
