/* Gauss-Newton normal equations for similarity + gain/bias alignment with Cauchy weights (see lkAccumulate
   in kernels.ts). */
#include "kernels.h"

static inline double sample(const float *s, int w, int h, double x, double y) {
  double fx0 = floor_(x), fy0 = floor_(y);
  int x0 = (int)fx0, y0 = (int)fy0;
  double fx = x - fx0, fy = y - fy0;
  int xa = clamp_index(x0, w), xb = clamp_index(x0 + 1, w), ya = clamp_index(y0, h), yb = clamp_index(y0 + 1, h);
  double top = s[(long)ya * w + xa] * (1 - fx) + s[(long)ya * w + xb] * fx;
  double bottom = s[(long)yb * w + xa] * (1 - fx) + s[(long)yb * w + xb] * fx;
  return top * (1 - fy) + bottom * fy;
}

EXPORT(lk_accumulate)
void lk_accumulate(const float *T, const float *I, const float *Ix, const float *Iy, int w, int h, int step, const double *params, double *out) {
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
      double iv = sample(I, w, h, xp, yp), ix = sample(Ix, w, h, xp, yp), iy = sample(Iy, w, h, xp, yp);
      double tv = T[(long)y * w + x];
      double r = iv - alpha * tv - beta;
      double wt = robust > 0 ? 1 / (1 + r * r / robust) : 1;
      J[0] = ix * u + iy * v;
      J[1] = -ix * v + iy * u;
      J[2] = ix;
      J[3] = iy;
      J[4] = -tv;
      J[5] = -1;
      int k = 0;
      for (int i = 0; i < 6; i++)
        for (int j = i; j < 6; j++) out[k++] += wt * J[i] * J[j];
      for (int i = 0; i < 6; i++) out[21 + i] += wt * J[i] * r;
      out[27] += wt * r * r;
      out[28] += 1;
      out[29] += wt;
      out[30] += r * r;
    }
  }
}
