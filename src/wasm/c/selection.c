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

/* Balanced weighting, pass 1 (see FocusSelection). With s = score + floor: the running argmax of s, the sum of s,
   and P = sum_i r_i^4, Q = sum_i index_i r_i^4 with r_i = s_i / best, rescaled by (old best / new best)^4
   whenever the best grows, so P and Q never overflow and need no second pass. */
EXPORT(balance_update)
void balance_update(const float *restrict score, float *restrict best_score, float *restrict best_index, float *restrict score_sum,
                    float *restrict power_sum, float *restrict index_sum, int n, float index, float floor) {
  for (int i = 0; i < n; i++) {
    float s = score[i] + floor, b = best_score[i];
    score_sum[i] += s;
    if (s > b) {
      float r = b > 0.0f ? b / s : 0.0f;
      r = r * r;
      r = r * r;
      power_sum[i] = power_sum[i] * r + 1.0f;
      index_sum[i] = index_sum[i] * r + index;
      best_score[i] = s;
      best_index[i] = index;
    } else {
      float r = s / b;
      r = r * r;
      r = r * r;
      power_sum[i] += r;
      index_sum[i] += r * index;
    }
  }
}

/* Balanced weighting, pass 2: frame `index`'s weight before the soft blur,
   (1 - flat) * [best_index == index] + flat * r^4 / P with r = min(1, (score + floor) / best). */
EXPORT(balance_weight)
void balance_weight(const float *restrict score, const float *restrict best_score, const float *restrict best_index,
                    const float *restrict flat, const float *restrict power_sum, float *restrict dst, int n, float index, float floor) {
  for (int i = 0; i < n; i++) {
    float r = (score[i] + floor) / best_score[i];
    r = r > 1.0f ? 1.0f : r;
    r = r * r;
    r = r * r;
    float vote = best_index[i] == index ? 1.0f : 0.0f;
    dst[i] = (1.0f - flat[i]) * vote + flat[i] * (r / power_sum[i]);
  }
}
