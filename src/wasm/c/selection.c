/* Running selections: argmax of focus, soft votes, pyramid max-select. */
#include "kernels.h"

EXPORT(argmax_update)
void argmax_update(const float *restrict score, float *restrict best_score, float *restrict best_index, int n, float index) {
  for (int i = 0; i < n; i++) {
    int better = score[i] > best_score[i];
    best_score[i] = better ? score[i] : best_score[i];
    best_index[i] = better ? index : best_index[i];
  }
}

EXPORT(index_vote)
void index_vote(const float *restrict best_index, const float *restrict weight, float *restrict dst, int n, float index, int cumulative) {
  if (cumulative) {
    for (int i = 0; i < n; i++) dst[i] = best_index[i] <= index ? weight[i] : 0.0f;
  } else {
    for (int i = 0; i < n; i++) dst[i] = best_index[i] == index ? weight[i] : 0.0f;
  }
}

EXPORT(pyramid_select)
void pyramid_select(const float *restrict score, float *restrict best, int n, int channels,
                    const float *src0, float *dst0, const float *src1, float *dst1, const float *src2, float *dst2) {
  for (int i = 0; i < n; i++) {
    if (score[i] > best[i]) {
      best[i] = score[i];
      dst0[i] = src0[i];
      if (channels > 1) dst1[i] = src1[i];
      if (channels > 2) dst2[i] = src2[i];
    }
  }
}
