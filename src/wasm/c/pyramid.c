/* Gaussian/Laplacian pyramid steps with the [1 4 6 4 1]/16 kernel, reflect borders. Both work row by row
   through a static row buffer: a vertical pass that vectorises, then the horizontal pass. */
#include "kernels.h"
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

static const float B[3] = {6.0f / 16.0f, 4.0f / 16.0f, 1.0f / 16.0f};

/* Widest row a pyramid step handles: the PSB format's 300000-pixel limit. */
#define MAX_ROW 300000
static float row_buffer[MAX_ROW];

EXPORT(pyr_down)
void pyr_down(const float *restrict src, int w, int h, float *restrict dst) {
  int dw = (w + 1) / 2, dh = (h + 1) / 2;
  float *restrict row = row_buffer;
  for (int y = 0; y < dh; y++) {
    int cy = 2 * y;
    const float *r0 = src + (long)reflect_index(cy - 2, h) * w, *r1 = src + (long)reflect_index(cy - 1, h) * w;
    const float *r2 = src + (long)cy * w;
    const float *r3 = src + (long)reflect_index(cy + 1, h) * w, *r4 = src + (long)reflect_index(cy + 2, h) * w;
    for (int x = 0; x < w; x++) row[x] = B[0] * r2[x] + B[1] * (r1[x] + r3[x]) + B[2] * (r0[x] + r4[x]);
    float *d = dst + (long)y * dw;
    for (int x = 0; x < dw; x++) {
      int cx = 2 * x;
      if (cx >= 2 && cx + 2 < w) {
        d[x] = B[0] * row[cx] + B[1] * (row[cx - 1] + row[cx + 1]) + B[2] * (row[cx - 2] + row[cx + 2]);
      } else {
        d[x] = B[0] * row[cx] + B[1] * (row[reflect_index(cx - 1, w)] + row[reflect_index(cx + 1, w)]) +
               B[2] * (row[reflect_index(cx - 2, w)] + row[reflect_index(cx + 2, w)]);
      }
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
  float *restrict row = row_buffer;
  for (int y = 0; y < h; y++) {
    /* Vertical: the (at most three) coarse rows under this fine row, with weights 2*B. */
    for (int x = 0; x < sw; x++) row[x] = 0.0f;
    for (int j = 0; j < 5; j++) {
      int yy = stuffed(y + j - 2, h);
      if (yy < 0) continue;
      float wj = 2.0f * B[j < 2 ? 2 - j : j - 2];
      const float *s = src + (long)yy * sw;
      for (int x = 0; x < sw; x++) row[x] += wj * s[x];
    }
    /* Horizontal: even fine x takes coarse x/2-1, x/2, x/2+1 (1/8, 3/4, 1/8); odd x the two neighbours (1/2, 1/2).
       The interior runs over coarse positions in pairs without branches; the two columns at each end reflect. */
    float *d = dst + (long)y * w;
    const float e0 = 2.0f * B[0], e2 = 2.0f * B[2], o1 = 2.0f * B[1];
    int cend = (w - 4) / 2; /* last c with 2c + 3 < w */
    int c = 1;
#ifdef __wasm_simd128__
    /* Four coarse positions give eight fine pixels: evens and odds computed in lanes, then interleaved. */
    v128_t ve0 = wasm_f32x4_splat(e0), ve2 = wasm_f32x4_splat(e2), vo1 = wasm_f32x4_splat(o1), vs = wasm_f32x4_splat(sign);
    for (; c + 3 <= cend; c += 4) {
      v128_t left = wasm_v128_load(row + c - 1), mid = wasm_v128_load(row + c), right = wasm_v128_load(row + c + 1);
      v128_t even = wasm_f32x4_mul(vs, wasm_f32x4_add(wasm_f32x4_mul(ve2, wasm_f32x4_add(left, right)), wasm_f32x4_mul(ve0, mid)));
      v128_t odd = wasm_f32x4_mul(vs, wasm_f32x4_mul(vo1, wasm_f32x4_add(mid, right)));
      float *out = d + 2 * c;
      wasm_v128_store(out, wasm_f32x4_add(wasm_v128_load(out), wasm_i32x4_shuffle(even, odd, 0, 4, 1, 5)));
      wasm_v128_store(out + 4, wasm_f32x4_add(wasm_v128_load(out + 4), wasm_i32x4_shuffle(even, odd, 2, 6, 3, 7)));
    }
#endif
    for (; c <= cend; c++) {
      d[2 * c] += sign * (e2 * (row[c - 1] + row[c + 1]) + e0 * row[c]);
      d[2 * c + 1] += sign * (o1 * (row[c] + row[c + 1]));
    }
    for (int x = 0; x < w; x++) {
      if (x >= 2 && x <= 2 * cend + 1) continue;
      float acc = 0.0f;
      for (int i = 0; i < 5; i++) {
        int xx = stuffed(x + i - 2, w);
        if (xx >= 0) acc += 2.0f * B[i < 2 ? 2 - i : i - 2] * row[xx];
      }
      d[x] += sign * acc;
    }
  }
}

/* The hybrid's detail shrinkage (soft thresholding): gain = max(0, 1 - kappa * floor / salience), 0 where salience
   is 0; each channel's detail is scaled by the gain in place. */
EXPORT(shrink_detail)
void shrink_detail(const float *restrict salience, const float *restrict floor, int n, float kappa, int channels, float *d0, float *d1, float *d2) {
  for (int i = 0; i < n; i++) {
    float s = salience[i];
    float keep = s > 0.0f ? 1.0f - (kappa * floor[i]) / s : 0.0f;
    float gain = keep > 0.0f ? keep : 0.0f;
    d0[i] *= gain;
    if (channels > 1) d1[i] *= gain;
    if (channels > 2) d2[i] *= gain;
  }
}
