/* Affine resampling, clamp-to-edge. */
#include "kernels.h"
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

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

/* Where a sample's 4x4 taps start, and its weights: coordinates in double (large images need the
   precision), weights in float. */
typedef struct {
  int x0, y0;
  float wx[4], wy[4];
} Taps;

static inline Taps taps_at(double u, double v) {
  Taps t;
  double fu = floor_(u), fv = floor_(v);
  t.x0 = (int)fu;
  t.y0 = (int)fv;
  cubic_weights((float)(u - fu), t.wx);
  cubic_weights((float)(v - fv), t.wy);
  return t;
}

/* One channel's bicubic sample; taps all inside the source skip the clamping. */
static inline float bicubic_at(const float *src, int sw, int sh, const Taps *t) {
  float acc = 0.0f;
  if (t->x0 >= 1 && t->y0 >= 1 && t->x0 + 2 < sw && t->y0 + 2 < sh) {
    const float *row = src + (long)(t->y0 - 1) * sw + (t->x0 - 1);
    for (int j = 0; j < 4; j++, row += sw) acc += t->wy[j] * (t->wx[0] * row[0] + t->wx[1] * row[1] + t->wx[2] * row[2] + t->wx[3] * row[3]);
  } else {
    for (int j = 0; j < 4; j++) {
      float r = 0.0f;
      for (int i = 0; i < 4; i++) r += t->wx[i] * at(src, sw, sh, t->x0 - 1 + i, t->y0 - 1 + j);
      acc += t->wy[j] * r;
    }
  }
  return acc;
}

#ifdef __wasm_simd128__
/* Four neighbouring output pixels of every channel at once when all their taps are inside the source:
   coordinates and weights computed once in f32x4 lanes (one lane per pixel) and shared by the channels.
   Same arithmetic order as bicubic_at, and wasm has no fused multiply-add, so both builds give identical
   results. Returns 0 when a lane is at the border. */
static inline int bicubic4(const float *src, long src_plane, int sw, int sh, int x, double ub, double vb, double m00, double m10,
                           int sx, int sy, float *out, long dst_plane, int channels) {
  int x0[4], y0[4];
  float tx[4], ty[4];
  for (int l = 0; l < 4; l++) {
    double u = (m00 * (x + l) + ub) - sx, v = (m10 * (x + l) + vb) - sy;
    double fu = floor_(u), fv = floor_(v);
    x0[l] = (int)fu;
    y0[l] = (int)fv;
    if (x0[l] < 1 || y0[l] < 1 || x0[l] + 2 >= sw || y0[l] + 2 >= sh) return 0;
    tx[l] = (float)(u - fu);
    ty[l] = (float)(v - fv);
  }
  v128_t wx[4], wy[4];
  for (int axis = 0; axis < 2; axis++) {
    v128_t t = wasm_v128_load(axis ? ty : tx);
    v128_t t2 = wasm_f32x4_mul(t, t), t3 = wasm_f32x4_mul(t2, t);
    v128_t *w = axis ? wy : wx;
    v128_t half = wasm_f32x4_splat(0.5f);
    w[0] = wasm_f32x4_sub(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(-0.5f), t3), t2), wasm_f32x4_mul(half, t));
    w[1] = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(wasm_f32x4_splat(1.5f), t3), wasm_f32x4_mul(wasm_f32x4_splat(2.5f), t2)), wasm_f32x4_splat(1.0f));
    w[2] = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(-1.5f), t3), wasm_f32x4_mul(wasm_f32x4_splat(2.0f), t2)), wasm_f32x4_mul(half, t));
    w[3] = wasm_f32x4_sub(wasm_f32x4_mul(half, t3), wasm_f32x4_mul(half, t2));
  }
  /* The usual case for a near-identity warp: the four pixels' taps are consecutive in each source row, so
     tap i of all four lanes is one unaligned vector load. */
  int consecutive = y0[1] == y0[0] && y0[2] == y0[0] && y0[3] == y0[0] && x0[1] == x0[0] + 1 && x0[2] == x0[0] + 2 && x0[3] == x0[0] + 3;
  for (int c = 0; c < channels; c++) {
    const float *plane = src + c * src_plane;
    v128_t acc = wasm_f32x4_splat(0.0f);
    if (consecutive) {
      const float *row = plane + (long)(y0[0] - 1) * sw + (x0[0] - 1);
      for (int j = 0; j < 4; j++, row += sw) {
        v128_t sum = wasm_f32x4_mul(wx[0], wasm_v128_load(row));
        for (int i = 1; i < 4; i++) sum = wasm_f32x4_add(sum, wasm_f32x4_mul(wx[i], wasm_v128_load(row + i)));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wy[j], sum));
      }
    } else {
      const float *r[4];
      for (int l = 0; l < 4; l++) r[l] = plane + (long)(y0[l] - 1) * sw + (x0[l] - 1);
      for (int j = 0; j < 4; j++) {
        v128_t row = wasm_f32x4_mul(wx[0], wasm_f32x4_make(r[0][0], r[1][0], r[2][0], r[3][0]));
        for (int i = 1; i < 4; i++) row = wasm_f32x4_add(row, wasm_f32x4_mul(wx[i], wasm_f32x4_make(r[0][i], r[1][i], r[2][i], r[3][i])));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wy[j], row));
        for (int l = 0; l < 4; l++) r[l] += sw;
      }
    }
    wasm_v128_store(out + c * dst_plane, acc);
  }
  return 1;
}
#endif

/* Coordinates are formed from absolute positions (the destination's origin dx, dy added before the matrix,
   the source's origin sx, sy subtracted after it, exactly), so a pixel samples the same point whatever tile
   or band it is computed in: tiled results stay bit-identical to untiled ones. The channels' planes lie
   src_plane (dst_plane) floats apart and share each sample's coordinates and weights. */
EXPORT(warp_affine_bicubic)
void warp_affine_bicubic(const float *src, int sw, int sh, int src_plane, float *dst, int dw, int dh, int dst_plane, int channels,
                         double m00, double m01, double m02, double m10, double m11, double m12,
                         int dx, int dy, int sx, int sy) {
  for (int y = 0; y < dh; y++) {
    double ub = m01 * (y + dy) + m02, vb = m11 * (y + dy) + m12;
    float *d = dst + (long)y * dw;
    int x = 0;
#ifdef __wasm_simd128__
    for (; x + 4 <= dw; x += 4) {
      if (!bicubic4(src, src_plane, sw, sh, x + dx, ub, vb, m00, m10, sx, sy, d + x, dst_plane, channels)) {
        for (int l = 0; l < 4; l++) {
          Taps t = taps_at((m00 * (x + l + dx) + ub) - sx, (m10 * (x + l + dx) + vb) - sy);
          for (int c = 0; c < channels; c++) d[x + l + (long)c * dst_plane] = bicubic_at(src + (long)c * src_plane, sw, sh, &t);
        }
      }
    }
#endif
    for (; x < dw; x++) {
      Taps t = taps_at((m00 * (x + dx) + ub) - sx, (m10 * (x + dx) + vb) - sy);
      for (int c = 0; c < channels; c++) d[x + (long)c * dst_plane] = bicubic_at(src + (long)c * src_plane, sw, sh, &t);
    }
  }
}
