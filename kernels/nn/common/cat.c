/* One part of a concatenation: copies `input` into `output` at `offset` along one axis. */
#include <string.h>

#include "arith.h"

static int32_t size_at(const tmcu_dims* d, int32_t axis) {
  const int32_t sizes[4] = {d->n, d->h, d->w, d->c};
  return sizes[axis];
}

tmcu_status tmcu_cat_part_s8(const tmcu_dims* in, const int8_t* input, int32_t axis, int32_t offset,
                             const tmcu_dims* out, int8_t* output) {
  if (in == 0 || input == 0 || out == 0 || output == 0 || axis < 0 || axis > 3 || !tmcu_valid_dims(in) ||
      !tmcu_valid_dims(out) || offset < 0 || offset + size_at(in, axis) > size_at(out, axis)) {
    return TMCU_ERR_ARG;
  }
  for (int32_t d = 0; d < 4; ++d) {
    if (d != axis && size_at(in, d) != size_at(out, d)) {
      return TMCU_ERR_ARG;
    }
  }
  /* Rows: everything before `axis`; a row of the input is one contiguous block of the output's row. */
  int32_t rows = 1, in_row = 1, out_row = 1;
  for (int32_t d = 0; d < 4; ++d) {
    if (d < axis) {
      rows *= size_at(in, d);
    } else {
      in_row *= size_at(in, d);
      out_row *= size_at(out, d);
    }
  }
  const int32_t skip = offset * (in_row / size_at(in, axis));
  for (int32_t r = 0; r < rows; ++r) {
    memcpy(output + r * out_row + skip, input + r * in_row, (size_t)in_row);
  }
  return TMCU_OK;
}
