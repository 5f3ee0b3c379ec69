/* Gauss-Newton normal equations for similarity + gain/bias alignment with Cauchy weights (see lkAccumulate
   in kernels.ts). */
#include "kernels.h"

EXPORT(lk_accumulate)
void lk_accumulate(const float *T, const float *I, const float *Ix, const float *Iy, const float *prior, int w, int h, int step, const double *params, double *out) {
  double cx = params[0], cy = params[1], a = params[2], b = params[3], tx = params[4], ty = params[5];
  double alpha = params[6], beta = params[7], robust = params[8];
  for (int i = 0; i < 31; i++) out[i] = 0;
  double J[6];
  for (int y = 0; y < h; y += step) {
    for (int x = 0; x < w; x += step) {
      double u = x - cx, v = y - cy;
      double xp = (1 + a) * u - b * v + cx + tx;
      double yp = b * u + (1 + a) * v + cy + ty;
      if (xp < 0 || yp < 0 || xp > w - 1 || yp > h - 1) continue;
      /* One set of bilinear weights for the three planes (0 <= xp <= w-1, so only the far taps clamp). */
      double fx0 = floor_(xp), fy0 = floor_(yp);
      int x0 = (int)fx0, y0 = (int)fy0;
      double fx = xp - fx0, fy = yp - fy0;
      int x1 = x0 + 1 < w ? x0 + 1 : w - 1;
      long ra = (long)y0 * w, rb = (long)(y0 + 1 < h ? y0 + 1 : h - 1) * w;
#define BILINEAR(s) (((s)[ra + x0] * (1 - fx) + (s)[ra + x1] * fx) * (1 - fy) + ((s)[rb + x0] * (1 - fx) + (s)[rb + x1] * fx) * fy)
      double iv = BILINEAR(I), ix = BILINEAR(Ix), iy = BILINEAR(Iy);
#undef BILINEAR
      double tv = T[(long)y * w + x];
      double r = iv - alpha * tv - beta;
      double wt = (robust > 0 ? 1 / (1 + r * r / robust) : 1) * (prior ? prior[(long)y * w + x] : 1);
      J[0] = ix * u + iy * v;
      J[1] = -ix * v + iy * u;
      J[2] = ix;
      J[3] = iy;
      J[4] = -tv;
      J[5] = -1;
      int k = 0;
      for (int i = 0; i < 6; i++) {
        double wj = wt * J[i];
        for (int j = i; j < 6; j++) out[k++] += wj * J[j];
        out[21 + i] += wj * r;
      }
      out[27] += wt * r * r;
      out[28] += 1;
      out[29] += wt;
      out[30] += r * r;
    }
  }
}
