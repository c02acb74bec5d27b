/*
 * layerref calculators: layerref.formulas in plain JavaScript, and the page's forms.
 *
 * window.layerrefFormulas holds one function per function of the Python module
 * layerref.formulas, of the same name. Each takes one object keyed by the Python
 * parameter names and returns what the Python function returns (arrays for tuples,
 * objects for dicts), or throws an Error saying what is wrong where torch would
 * reject the configuration. The build checks every function against torch on
 * thousands of configurations (assets/calculator-cases.json; tests/test_browser.py).
 *
 * No framework, no network: this file is all there is.
 */
(function () {
  "use strict";

  // --- errors and argument checks ------------------------------------------------

  /** An error about one argument: `arg` names it, so a form can show it by its field. */
  function argError(arg, message, Kind) {
    const error = new (Kind || Error)(message);
    error.arg = arg;
    return error;
  }

  /** A float written in a stack ("3.0"): a number that is not an int, as in Python. */
  function PyFloat(value) {
    this.value = value;
  }
  PyFloat.prototype.toString = function () {
    return pyRepr(this);
  };

  function isInt(value) {
    return typeof value === "number" && Number.isInteger(value);
  }

  function isNumber(value) {
    return typeof value === "number" || value instanceof PyFloat;
  }

  function numberOf(value) {
    return value instanceof PyFloat ? value.value : value;
  }

  function describe(value) {
    if (value === null || value === undefined) return "None";
    if (typeof value === "boolean") return "bool " + (value ? "True" : "False");
    if (value instanceof PyFloat) return "float " + pyRepr(value);
    if (typeof value === "string") return "str " + pyRepr(value);
    if (Array.isArray(value)) return "tuple " + pyRepr(value);
    return typeof value + " " + String(value);
  }

  function checkPositiveInt(name, value, allowZero) {
    if (!isInt(value)) {
      throw argError(name, name + " must be an int, got " + describe(value), TypeError);
    }
    if (allowZero ? value < 0 : value <= 0) {
      const what = allowZero ? "a non-negative int" : "a positive int";
      throw argError(name, name + " must be " + what + ", got " + value);
    }
    return value;
  }

  function checkInt(name, value) {
    if (!isInt(value)) {
      throw argError(name, name + " must be an int, got " + describe(value), TypeError);
    }
    return value;
  }

  function checkNumber(name, value) {
    if (!isNumber(value)) {
      throw argError(name, name + " must be a number, got " + describe(value), TypeError);
    }
    return numberOf(value);
  }

  function isSequence(value) {
    return Array.isArray(value);
  }

  function expand(name, value, dims, allowZero) {
    if (isSequence(value)) {
      if (value.length !== dims) {
        throw argError(
          name,
          name + " must have " + dims + " entries for " + dims + "-d, got " + pyRepr(value)
        );
      }
      return value.map((v) => checkPositiveInt(name, v, allowZero));
    }
    const single = checkPositiveInt(name, value, allowZero);
    return Array(dims).fill(single);
  }

  function checkDims(dims) {
    if (dims !== 1 && dims !== 2 && dims !== 3) {
      throw argError("dims", "dims must be 1, 2 or 3, got " + pyRepr(dims));
    }
    return dims;
  }

  function spatialDims(inputSize, name) {
    name = name || "input_size";
    if (!isSequence(inputSize)) {
      throw argError(
        name,
        name + " must be a tuple of spatial sizes, got " + pyRepr(inputSize),
        TypeError
      );
    }
    if (inputSize.length < 1 || inputSize.length > 3) {
      throw argError(name, "dims must be 1, 2 or 3, got " + inputSize.length);
    }
    inputSize.forEach((size) => checkPositiveInt(name, size));
    return inputSize.length;
  }

  function checkGroups(inChannels, outChannels, groups) {
    checkPositiveInt("groups", groups);
    if (inChannels % groups) {
      throw argError(
        "groups",
        "in_channels=" + inChannels + " must be divisible by groups=" + groups
      );
    }
    if (outChannels % groups) {
      throw argError(
        "groups",
        "out_channels=" + outChannels + " must be divisible by groups=" + groups
      );
    }
  }

  /** Floor division of integers, exact (Python's //). */
  function floorDiv(a, b) {
    const r = ((a % b) + b) % b;
    return (a - r) / b;
  }

  function ceilDiv(a, b) {
    return -floorDiv(-a, b);
  }

  function product(values) {
    return values.reduce((a, b) => a * b, 1);
  }

  function zip(...arrays) {
    return arrays[0].map((_, i) => arrays.map((a) => a[i]));
  }

  /** Python's repr of a value, for messages and layer texts. */
  function pyRepr(value) {
    if (value === null || value === undefined) return "None";
    if (value === true) return "True";
    if (value === false) return "False";
    if (value instanceof PyFloat) {
      const v = value.value;
      if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
      return String(v);
    }
    if (typeof value === "string") return "'" + value + "'";
    if (Array.isArray(value)) {
      const inner = value.map(pyRepr).join(", ");
      return "(" + inner + (value.length === 1 ? ",)" : ")");
    }
    if (value === INFER) return "?";
    return String(value);
  }

  /**
   * Call `fn(args)` with the arguments of `params` (name -> default; `REQUIRED` for none),
   * refusing unknown names as Python refuses an unexpected keyword argument.
   */
  const REQUIRED = {};
  function takes(fnName, params, fn) {
    const wrapper = function (args) {
      args = args || {};
      if (typeof args !== "object" || Array.isArray(args)) {
        throw new TypeError(fnName + "() takes one object of arguments by name");
      }
      const values = {};
      for (const key of Object.keys(args)) {
        if (!(key in params)) {
          throw argError(
            key,
            fnName + "() got an unexpected keyword argument '" + key + "'",
            TypeError
          );
        }
      }
      for (const [key, fallback] of Object.entries(params)) {
        if (key in args && args[key] !== undefined) {
          values[key] = args[key];
        } else if (fallback === REQUIRED) {
          throw argError(key, fnName + "() missing required argument: '" + key + "'", TypeError);
        } else {
          values[key] = fallback;
        }
      }
      return fn(values);
    };
    // The Python signature, for the tests that compare it with layerref.formulas'.
    wrapper.parameters = Object.keys(params);
    wrapper.defaults = Object.fromEntries(
      Object.entries(params).filter(([, value]) => value !== REQUIRED)
    );
    return Object.freeze(wrapper);
  }

  // --- parameter counts --------------------------------------------------------------

  const GATES = { RNN: 1, LSTM: 4, GRU: 3 };

  function linearParams(a) {
    checkPositiveInt("in_features", a.in_features, true);
    checkPositiveInt("out_features", a.out_features, true);
    return a.in_features * a.out_features + (a.bias ? a.out_features : 0);
  }

  function bilinearParams(a) {
    for (const name of ["in1_features", "in2_features", "out_features"]) {
      checkPositiveInt(name, a[name]);
    }
    return a.in1_features * a.in2_features * a.out_features + (a.bias ? a.out_features : 0);
  }

  function embeddingParams(a) {
    checkPositiveInt("num_embeddings", a.num_embeddings);
    checkPositiveInt("embedding_dim", a.embedding_dim);
    return a.num_embeddings * a.embedding_dim;
  }

  function convVolume(a) {
    checkDims(a.dims);
    checkPositiveInt("in_channels", a.in_channels);
    checkPositiveInt("out_channels", a.out_channels);
    checkGroups(a.in_channels, a.out_channels, a.groups);
    return product(expand("kernel_size", a.kernel_size, a.dims));
  }

  function convParams(a) {
    const volume = convVolume(a);
    const weights = (a.in_channels / a.groups) * volume * a.out_channels;
    return weights + (a.bias ? a.out_channels : 0);
  }

  function convTransposeParams(a) {
    const volume = convVolume(a);
    const weights = a.in_channels * (a.out_channels / a.groups) * volume;
    return weights + (a.bias ? a.out_channels : 0);
  }

  function affineCount(size, affine, bias) {
    return affine ? size * (bias ? 2 : 1) : 0;
  }

  function batchNormParams(a) {
    checkPositiveInt("num_features", a.num_features);
    return affineCount(a.num_features, a.affine, a.bias);
  }

  function normalizedSize(shape) {
    const dims = isInt(shape) ? [shape] : shape;
    if (!isSequence(dims)) {
      throw argError(
        "normalized_shape",
        "normalized_shape must be an int or a tuple, got " + describe(shape),
        TypeError
      );
    }
    if (!dims.length) {
      throw argError("normalized_shape", "normalized_shape must have at least one dimension");
    }
    return product(dims.map((s) => checkPositiveInt("normalized_shape", s)));
  }

  function layerNormParams(a) {
    return affineCount(normalizedSize(a.normalized_shape), a.elementwise_affine, a.bias);
  }

  function rmsNormParams(a) {
    return affineCount(normalizedSize(a.normalized_shape), a.elementwise_affine, false);
  }

  function groupNormParams(a) {
    checkPositiveInt("num_groups", a.num_groups);
    checkPositiveInt("num_channels", a.num_channels);
    if (a.num_channels % a.num_groups) {
      throw argError(
        "num_channels",
        "num_channels=" + a.num_channels + " must be divisible by num_groups=" + a.num_groups
      );
    }
    return affineCount(a.num_channels, a.affine, a.bias);
  }

  function checkRnn(a) {
    if (!(a.mode in GATES)) {
      throw argError(
        "mode",
        "mode must be one of ('RNN', 'LSTM', 'GRU'), got " + pyRepr(a.mode)
      );
    }
    checkPositiveInt("input_size", a.input_size);
    checkPositiveInt("hidden_size", a.hidden_size);
    checkPositiveInt("num_layers", a.num_layers);
    checkPositiveInt("proj_size", a.proj_size, true);
    if (a.proj_size && a.mode !== "LSTM") {
      throw argError(
        "proj_size",
        "proj_size is only supported by LSTM, got mode=" + pyRepr(a.mode)
      );
    }
    if (a.proj_size >= a.hidden_size) {
      throw argError(
        "proj_size",
        "proj_size=" + a.proj_size + " must be smaller than hidden_size=" + a.hidden_size
      );
    }
  }

  function rnnParams(a) {
    checkRnn(a);
    const gatesH = GATES[a.mode] * a.hidden_size;
    const outSize = a.proj_size || a.hidden_size;
    const directions = a.bidirectional ? 2 : 1;
    let total = 0;
    for (let layer = 0; layer < a.num_layers; layer++) {
      const layerInput = layer === 0 ? a.input_size : outSize * directions;
      let perDirection = gatesH * layerInput + gatesH * outSize;
      perDirection += a.bias ? 2 * gatesH : 0;
      perDirection += a.proj_size ? outSize * a.hidden_size : 0;
      total += perDirection * directions;
    }
    return total;
  }

  function multiheadAttentionParams(a) {
    checkPositiveInt("embed_dim", a.embed_dim);
    checkPositiveInt("num_heads", a.num_heads);
    if (a.embed_dim % a.num_heads) {
      throw argError(
        "num_heads",
        "embed_dim=" + a.embed_dim + " must be divisible by num_heads=" + a.num_heads
      );
    }
    const e = a.embed_dim;
    const kdim = a.kdim === null ? e : checkPositiveInt("kdim", a.kdim);
    const vdim = a.vdim === null ? e : checkPositiveInt("vdim", a.vdim);
    const weights = e * (e + kdim + vdim) + e * e;
    return weights + (a.bias ? 4 * e : 0) + (a.add_bias_kv ? 2 * e : 0);
  }

  // --- output shapes -----------------------------------------------------------------

  function checkOutputPositive(inputSize, out) {
    if (out.some((o) => o < 1)) {
      throw argError(
        "input_size",
        "input_size=" + pyRepr(inputSize) + " is too small for these settings: output would be " +
          pyRepr(out)
      );
    }
  }

  function convOutputShape(a) {
    const dims = spatialDims(a.input_size);
    const k = expand("kernel_size", a.kernel_size, dims);
    const s = expand("stride", a.stride, dims);
    const d = expand("dilation", a.dilation, dims);
    if (a.padding === "same") {
      if (s.some((v) => v !== 1)) {
        throw argError("padding", "padding='same' requires stride=1");
      }
      return a.input_size.slice();
    }
    const p = a.padding === "valid" ? Array(dims).fill(0) : expand("padding", a.padding, dims, true);
    const out = a.input_size.map((i, j) => floorDiv(i + 2 * p[j] - d[j] * (k[j] - 1) - 1, s[j]) + 1);
    checkOutputPositive(a.input_size, out);
    return out;
  }

  function convTransposeOutputShape(a) {
    const dims = spatialDims(a.input_size);
    const k = expand("kernel_size", a.kernel_size, dims);
    const s = expand("stride", a.stride, dims);
    const p = expand("padding", a.padding, dims, true);
    const op = expand("output_padding", a.output_padding, dims, true);
    const d = expand("dilation", a.dilation, dims);
    op.forEach((o, j) => {
      if (o >= Math.max(s[j], d[j])) {
        throw argError(
          "output_padding",
          "output_padding=" + o + " must be smaller than stride=" + s[j] + " or dilation=" + d[j]
        );
      }
    });
    const out = a.input_size.map(
      (i, j) => (i - 1) * s[j] - 2 * p[j] + d[j] * (k[j] - 1) + op[j] + 1
    );
    checkOutputPositive(a.input_size, out);
    return out;
  }

  function poolOutputShape(a) {
    const dims = spatialDims(a.input_size);
    const k = expand("kernel_size", a.kernel_size, dims);
    const s = a.stride === null ? k : expand("stride", a.stride, dims);
    const p = expand("padding", a.padding, dims, true);
    const d = expand("dilation", a.dilation, dims);
    const out = a.input_size.map((i, j) => {
      if (p[j] > floorDiv(k[j], 2)) {
        throw argError(
          "padding",
          "padding=" + p[j] + " must be at most half of kernel_size=" + k[j]
        );
      }
      const span = i + 2 * p[j] - d[j] * (k[j] - 1) - 1;
      let size = (a.ceil_mode ? ceilDiv(span, s[j]) : floorDiv(span, s[j])) + 1;
      if (a.ceil_mode && (size - 1) * s[j] >= i + p[j]) size -= 1;
      return size;
    });
    checkOutputPositive(a.input_size, out);
    return out;
  }

  function adaptivePoolBins(a) {
    const dims = spatialDims(a.input_size);
    let sizes;
    if (isSequence(a.output_size)) {
      if (a.output_size.length !== dims) {
        throw argError(
          "output_size",
          "output_size must have " + dims + " entries for " + dims + "-d, got " +
            pyRepr(a.output_size)
        );
      }
      sizes = a.output_size;
      if (dims === 1 && sizes[0] === null) {
        throw argError(
          "output_size",
          "output_size must be an int for 1-d pooling (None only in 2-d, 3-d)",
          TypeError
        );
      }
    } else if (a.output_size === null) {
      throw argError("output_size", "output_size must be an int or a tuple, got None", TypeError);
    } else {
      sizes = Array(dims).fill(a.output_size);
    }
    return a.input_size.map((sizeIn, j) => {
      const out = sizes[j] === null ? sizeIn : checkPositiveInt("output_size", sizes[j], true);
      const bins = [];
      for (let i = 0; i < out; i++) {
        bins.push([floorDiv(i * sizeIn, out), ceilDiv((i + 1) * sizeIn, out)]);
      }
      return bins;
    });
  }

  function unfoldBlockCount(a) {
    if (!isSequence(a.input_size) || a.input_size.length !== 2) {
      throw argError(
        "input_size",
        "input_size must be (H, W): Unfold takes 2-d inputs only, got " + pyRepr(a.input_size)
      );
    }
    spatialDims(a.input_size);
    const k = expand("kernel_size", a.kernel_size, 2);
    const d = expand("dilation", a.dilation, 2);
    const p = expand("padding", a.padding, 2, true);
    const s = expand("stride", a.stride, 2);
    const blocks = a.input_size.map(
      (i, j) => floorDiv(i + 2 * p[j] - d[j] * (k[j] - 1) - 1, s[j]) + 1
    );
    if (blocks.some((b) => b < 1)) {
      throw argError(
        "input_size",
        "input_size=" + pyRepr(a.input_size) + " is too small for kernel_size=" + pyRepr(k) +
          ", dilation=" + pyRepr(d) + ", padding=" + pyRepr(p) +
          ": the array of sliding blocks would be " + pyRepr(blocks) +
          ", but its components must be at least one"
      );
    }
    return product(blocks);
  }

  const INTERPOLATE_MODES = {
    nearest: null,
    "nearest-exact": null,
    area: null,
    linear: 1,
    bilinear: 2,
    bicubic: 2,
    trilinear: 3,
  };

  function interpolateOutputShape(a) {
    const dims = spatialDims(a.input_size);
    if (!Object.prototype.hasOwnProperty.call(INTERPOLATE_MODES, a.mode)) {
      throw argError(
        "mode",
        "mode must be one of " + pyRepr(Object.keys(INTERPOLATE_MODES)) + ", got " + pyRepr(a.mode)
      );
    }
    const needed = INTERPOLATE_MODES[a.mode];
    if (needed !== null && needed !== dims) {
      throw argError(
        "mode",
        "mode=" + pyRepr(a.mode) + " needs " + needed + " spatial dimension" +
          (needed > 1 ? "s" : "") + " (" + (needed + 2) + "-d input), got " + dims
      );
    }
    if (a.size !== null && a.scale_factor !== null) {
      throw argError("scale_factor", "only one of size or scale_factor should be defined");
    }
    let out;
    if (a.size !== null) {
      if (a.recompute_scale_factor) {
        throw argError(
          "recompute_scale_factor",
          "recompute_scale_factor is not meaningful with an explicit size"
        );
      }
      if (isSequence(a.size)) {
        if (a.size.length !== dims) {
          throw argError(
            "size",
            "size must have " + dims + " entries for " + dims + "-d, got " + pyRepr(a.size)
          );
        }
        out = a.size.map((v) => checkInt("size", v));
      } else {
        out = Array(dims).fill(checkInt("size", a.size));
      }
    } else if (a.scale_factor !== null) {
      let scales;
      if (isSequence(a.scale_factor)) {
        if (a.scale_factor.length !== dims) {
          throw argError(
            "scale_factor",
            "scale_factor must have " + dims + " entries for " + dims + "-d, got " +
              pyRepr(a.scale_factor)
          );
        }
        scales = a.scale_factor.map((v) => checkNumber("scale_factor", v));
      } else {
        scales = Array(dims).fill(checkNumber("scale_factor", a.scale_factor));
      }
      // floor(in * scale) in double precision, as torch computes it (truncated toward 0)
      out = a.input_size.map((i, j) => Math.trunc(i * scales[j]));
    } else {
      throw argError("size", "either size or scale_factor should be defined");
    }
    if (out.some((o) => o < 0) || (a.mode !== "area" && out.some((o) => o < 1))) {
      const least = a.mode === "area" ? "non-negative" : "greater than 0";
      throw argError(
        a.size !== null ? "size" : "scale_factor",
        "input and output sizes must be " + least + ", got input " + pyRepr(a.input_size) +
          " and output " + pyRepr(out)
      );
    }
    return out;
  }

  function rnnOutputShapes(a) {
    checkRnn(a);
    if (!isSequence(a.input_shape)) {
      throw argError(
        "input_shape",
        "input_shape must be a tuple, got " + pyRepr(a.input_shape),
        TypeError
      );
    }
    const shape = a.input_shape.map((s) => checkPositiveInt("input_shape", s, true));
    if (shape.length !== 2 && shape.length !== 3) {
      throw argError(
        "input_shape",
        a.mode + ": Expected input to be 2D or 3D, got " + shape.length + "D instead"
      );
    }
    if (shape[shape.length - 1] !== a.input_size) {
      throw argError(
        "input_size",
        "input.size(-1) must be equal to input_size. Expected " + a.input_size + ", got " +
          shape[shape.length - 1]
      );
    }
    const batched = shape.length === 3;
    const seqLen = batched && a.batch_first ? shape[1] : shape[0];
    if (seqLen < 1) {
      throw argError("input_shape", "Expected sequence length to be larger than 0 in RNN");
    }
    const directions = a.bidirectional ? 2 : 1;
    const hOut = a.proj_size || a.hidden_size;
    const layers = directions * a.num_layers;
    const batch = batched ? [shape[a.batch_first ? 0 : 1]] : [];
    const output =
      batched && a.batch_first
        ? [...batch, seqLen, directions * hOut]
        : [seqLen, ...batch, directions * hOut];
    const shapes = { output: output, h_n: [layers, ...batch, hOut] };
    if (a.mode === "LSTM") shapes.c_n = [layers, ...batch, a.hidden_size];
    return shapes;
  }

  // --- a stack of layers -------------------------------------------------------------

  /** The `?` of a stack: the input size, filled in from the layer's input. */
  const INFER = Object.freeze({ toString: () => "?" });

  const CONV_ARGS = ["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation"];
  const AVG_ARGS = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"];
  const NORM_ARGS = ["num_features", "eps", "momentum", "affine", "track_running_stats"];
  const SHAPE_KEEPING = {
    Identity: null,
    Sigmoid: null,
    Tanh: null,
    ReLU: ["inplace"],
    ReLU6: ["inplace"],
    SiLU: ["inplace"],
    Mish: ["inplace"],
    Hardswish: ["inplace"],
    LeakyReLU: ["negative_slope", "inplace"],
    ELU: ["alpha", "inplace"],
    GELU: ["approximate"],
    Softmax: ["dim"],
    LogSoftmax: ["dim"],
    Dropout: ["p", "inplace"],
  };

  /** The layers the stack calculator knows: [positional, keyword-only], or null for any. */
  const STACK_LAYERS = { Linear: [["in_features", "out_features", "bias"], []] };
  for (const d of [1, 2, 3]) {
    STACK_LAYERS["Conv" + d + "d"] = [[...CONV_ARGS, "groups", "bias", "padding_mode"], []];
    STACK_LAYERS["ConvTranspose" + d + "d"] = [
      [
        "in_channels", "out_channels", "kernel_size", "stride", "padding",
        "output_padding", "groups", "bias", "dilation", "padding_mode",
      ],
      [],
    ];
    STACK_LAYERS["MaxPool" + d + "d"] = [
      ["kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"],
      [],
    ];
  }
  STACK_LAYERS.AvgPool1d = [AVG_ARGS, []];
  STACK_LAYERS.AvgPool2d = [[...AVG_ARGS, "divisor_override"], []];
  STACK_LAYERS.AvgPool3d = [[...AVG_ARGS, "divisor_override"], []];
  for (const d of [1, 2, 3]) {
    STACK_LAYERS["LPPool" + d + "d"] = [["norm_type", "kernel_size", "stride", "ceil_mode"], []];
  }
  for (const d of [1, 2, 3]) STACK_LAYERS["AdaptiveAvgPool" + d + "d"] = [["output_size"], []];
  for (const d of [1, 2, 3]) {
    STACK_LAYERS["AdaptiveMaxPool" + d + "d"] = [["output_size", "return_indices"], []];
  }
  for (const d of [1, 2, 3]) STACK_LAYERS["BatchNorm" + d + "d"] = [NORM_ARGS, ["bias"]];
  STACK_LAYERS.LayerNorm = [["normalized_shape", "eps", "elementwise_affine", "bias"], []];
  STACK_LAYERS.GroupNorm = [["num_groups", "num_channels", "eps", "affine"], ["bias"]];
  STACK_LAYERS.RMSNorm = [["normalized_shape", "eps", "elementwise_affine"], []];
  STACK_LAYERS.Embedding = [
    ["num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type"],
    ["scale_grad_by_freq", "sparse"],
  ];
  STACK_LAYERS.Flatten = [["start_dim", "end_dim"], []];
  STACK_LAYERS.Upsample = [
    ["size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"],
    [],
  ];
  for (const [name, args] of Object.entries(SHAPE_KEEPING)) {
    STACK_LAYERS[name] = args ? [args, []] : null;
  }

  const INFER_ARG = {
    Linear: "in_features",
    LayerNorm: "normalized_shape",
    RMSNorm: "normalized_shape",
    GroupNorm: "num_channels",
  };
  for (const d of [1, 2, 3]) {
    INFER_ARG["Conv" + d + "d"] = "in_channels";
    INFER_ARG["ConvTranspose" + d + "d"] = "in_channels";
    INFER_ARG["BatchNorm" + d + "d"] = "num_features";
  }

  const DEFAULTS = {
    bias: true, stride: null, padding: 0, dilation: 1, groups: 1, output_padding: 0,
    padding_mode: "zeros", return_indices: false, ceil_mode: false, count_include_pad: true,
    divisor_override: null, affine: true, track_running_stats: true, elementwise_affine: true,
    eps: new PyFloat(1e-5), momentum: new PyFloat(0.1), padding_idx: null, max_norm: null,
    norm_type: new PyFloat(2.0), start_dim: 1, end_dim: -1, size: null, scale_factor: null,
    mode: "nearest", align_corners: null, recompute_scale_factor: null, p: new PyFloat(0.5),
    dim: null, approximate: "none",
  };

  function requiredCount(name) {
    if (name.startsWith("Conv")) return 3;
    if (["Linear", "Embedding", "GroupNorm"].includes(name) || name.startsWith("LPPool")) return 2;
    if (name in SHAPE_KEEPING || name === "Flatten" || name === "Upsample") return 0;
    return 1;
  }

  /** A whole-text problem (index null) or a layer's (index, layer, rows). */
  class StackError extends Error {
    constructor(message, index, layer, rows) {
      const where = index === null || index === undefined ? "" : "layer " + (index + 1) + ", " + layer + ": ";
      super(where + message);
      this.name = "StackError";
      this.reason = message;
      this.index = index === undefined ? null : index;
      this.layer = layer || "";
      this.rows = rows || [];
    }
  }

  // A tokenizer and parser for what the stack text may hold: calls of layers whose
  // arguments are Python literals (numbers, strings, True/False/None, tuples, lists) or ?.
  const TOKEN = new RegExp(
    [
      "(?<space>[ \\t\\r\\n]+|#[^\\n]*)",
      "(?<number>(?:\\d[\\d_]*\\.[\\d_]*|\\.\\d[\\d_]*|\\d[\\d_]*)(?:[eE][+-]?\\d+)?)",
      "(?<string>'[^'\\n]*'|\"[^\"\\n]*\")",
      "(?<name>[A-Za-z_][A-Za-z0-9_]*)",
      "(?<op>[()\\[\\],=.?+\\-*/%@<>!&|^~:;{}])",
    ].join("|"),
    "y"
  );

  function tokenize(text) {
    const tokens = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < text.length) {
      const start = TOKEN.lastIndex;
      const match = TOKEN.exec(text);
      if (!match) {
        throw new StackError("cannot read the layers: invalid character " + pyRepr(text[start]), null);
      }
      const groups = match.groups;
      if (groups.space !== undefined) continue;
      const kind = Object.keys(groups).find((k) => groups[k] !== undefined);
      tokens.push({ kind: kind, text: match[0], start: start, end: TOKEN.lastIndex });
    }
    tokens.push({ kind: "end", text: "", start: text.length, end: text.length });
    return tokens;
  }

  const BINARY = new Set(["+", "-", "*", "/", "%", "@", "<", ">", "|", "&", "^"]);

  class NotLiteral {
    constructor(text) {
      this.text = text;
    }
  }

  function parseStackText(text) {
    if (typeof text !== "string") {
      throw argError("layers", "layers must be a str, got " + describe(text), TypeError);
    }
    const tokens = tokenize(text);
    let pos = 0;
    const peek = () => tokens[pos];
    const fail = (message) => {
      throw new StackError("cannot read the layers: " + message, null);
    };
    const expect = (op) => {
      const token = tokens[pos];
      if (token.text !== op || (token.kind !== "op")) {
        fail(token.kind === "end" ? "'" + op + "' was never closed" : "invalid syntax at " + pyRepr(token.text));
      }
      pos++;
      return token;
    };

    // An expression: a literal, ?, a (dotted) name or a call, maybe combined with
    // operators (valid Python, but not a literal). Returns {value, start, end} where value
    // is a JS value, INFER, a NotLiteral, or a {call} node.
    function expression() {
      const first = atom();
      let end = first.end;
      let combined = false;
      while (peek().kind === "op" && BINARY.has(peek().text)) {
        pos++;
        end = atom().end;
        combined = true;
      }
      if (!combined) return first;
      return { value: new NotLiteral(text.slice(first.start, end)), start: first.start, end: end };
    }

    function atom() {
      const token = peek();
      const start = token.start;
      if (token.kind === "op" && (token.text === "-" || token.text === "+")) {
        pos++;
        const inner = atom();
        let value = inner.value;
        if (token.text === "-" && isNumber(value)) {
          value = value instanceof PyFloat ? new PyFloat(-value.value) : -value;
        } else if (!isNumber(value)) {
          value = new NotLiteral(text.slice(start, inner.end));
        }
        return { value: value, start: start, end: inner.end };
      }
      if (token.kind === "number") {
        pos++;
        const clean = token.text.replace(/_/g, "");
        const isFloat = /[.eE]/.test(clean);
        const value = isFloat ? new PyFloat(parseFloat(clean)) : parseInt(clean, 10);
        return { value: value, start: start, end: token.end };
      }
      if (token.kind === "string") {
        pos++;
        return { value: token.text.slice(1, -1), start: start, end: token.end };
      }
      if (token.kind === "op" && token.text === "?") {
        pos++;
        return { value: INFER, start: start, end: token.end };
      }
      if (token.kind === "op" && (token.text === "(" || token.text === "[")) {
        const close = token.text === "(" ? ")" : "]";
        pos++;
        const items = [];
        let trailingComma = false;
        while (!(peek().kind === "op" && peek().text === close)) {
          if (peek().kind === "end") fail("'" + token.text + "' was never closed");
          items.push(expression());
          trailingComma = false;
          if (peek().kind === "op" && peek().text === ",") {
            pos++;
            trailingComma = true;
          } else if (!(peek().kind === "op" && peek().text === close)) {
            fail("invalid syntax at " + pyRepr(peek().text));
          }
        }
        const end = expect(close).end;
        if (token.text === "(" && items.length === 1 && !trailingComma) {
          return { value: items[0].value, start: start, end: end };
        }
        const values = items.map((item) => item.value);
        const literal = values.every((v) => !(v instanceof NotLiteral) && v !== INFER && !(v && v.call));
        return {
          value: literal ? values : new NotLiteral(text.slice(start, end)),
          start: start,
          end: end,
        };
      }
      if (token.kind === "name") {
        pos++;
        if (token.text === "True" || token.text === "False" || token.text === "None") {
          const value = token.text === "None" ? null : token.text === "True";
          return { value: value, start: start, end: token.end };
        }
        let dotted = token.text;
        let end = token.end;
        while (peek().kind === "op" && peek().text === ".") {
          pos++;
          const part = peek();
          if (part.kind !== "name") fail("invalid syntax at " + pyRepr(part.text));
          pos++;
          dotted += "." + part.text;
          end = part.end;
        }
        if (peek().kind === "op" && peek().text === "(") {
          pos++;
          const args = [];
          const keywords = [];
          while (!(peek().kind === "op" && peek().text === ")")) {
            if (peek().kind === "end") fail("'(' was never closed");
            if (peek().kind === "name" && tokens[pos + 1].kind === "op" && tokens[pos + 1].text === "=") {
              const key = peek().text;
              pos += 2;
              keywords.push([key, expression()]);
            } else {
              if (keywords.length) fail("positional argument follows keyword argument");
              args.push(expression());
            }
            if (peek().kind === "op" && peek().text === ",") {
              pos++;
            } else if (!(peek().kind === "op" && peek().text === ")")) {
              fail("invalid syntax at " + pyRepr(peek().text));
            }
          }
          end = expect(")").end;
          return {
            value: { call: dotted, args: args, keywords: keywords },
            start: start,
            end: end,
          };
        }
        return { value: new NotLiteral(dotted), start: start, end: end };
      }
      if (token.kind === "end") fail("unexpected end of the text");
      fail("invalid syntax at " + pyRepr(token.text));
    }

    const nodes = [];
    while (peek().kind !== "end") {
      nodes.push(expression());
      if (peek().kind === "op" && peek().text === ",") {
        pos++;
      } else if (peek().kind !== "end") {
        fail("invalid syntax at " + pyRepr(peek().text) + " (a comma missing?)");
      }
    }
    let items = nodes;
    if (items.length === 1 && items[0].value && items[0].value.call && callName(items[0].value) === "Sequential") {
      if (items[0].value.keywords.length) {
        throw new StackError("Sequential takes the layers as positional arguments", null);
      }
      items = items[0].value.args;
    }
    if (!items.length) throw new StackError("no layers: write e.g. Linear(4, 2), ReLU()", null);
    return items.map((node) => {
      const written = text.slice(node.start, node.end);
      try {
        return [written, parseLayer(node.value, written)];
      } catch (error) {
        if (error instanceof StackError) throw error;
        return [written, error];
      }
    });
  }

  function callName(call) {
    const parts = call.call.split(".");
    if (parts.length === 1) return parts[0];
    const prefix = parts.slice(0, -1).join(".");
    return prefix === "nn" || prefix === "torch.nn" ? parts[parts.length - 1] : null;
  }

  function literalValue(node) {
    const value = node.value;
    if (value instanceof NotLiteral || (value && value.call)) {
      throw new Error(
        "arguments must be literals (numbers, strings, tuples, True/False/None) or ?, got " +
          (value instanceof NotLiteral ? value.text : value.call + "(...)")
      );
    }
    return value;
  }

  function closeMatch(name, known) {
    // difflib.get_close_matches(name, known, n=1) in a few lines: the best ratio >= 0.6
    let best = null;
    let bestRatio = 0.6;
    for (const candidate of known) {
      const ratio = similarity(name, candidate);
      if (ratio >= bestRatio && (best === null || ratio > bestRatio)) {
        best = candidate;
        bestRatio = ratio;
      }
    }
    return best;
  }

  function similarity(a, b) {
    // 2 * matches / total, with matches from the longest common substrings (Ratcliff-Obershelp)
    function matches(x, y) {
      if (!x.length || !y.length) return 0;
      let bestLen = 0, bi = 0, bj = 0;
      for (let i = 0; i < x.length; i++) {
        for (let j = 0; j < y.length; j++) {
          let k = 0;
          while (i + k < x.length && j + k < y.length && x[i + k] === y[j + k]) k++;
          if (k > bestLen) {
            bestLen = k; bi = i; bj = j;
          }
        }
      }
      if (!bestLen) return 0;
      return bestLen + matches(x.slice(0, bi), y.slice(0, bj)) +
        matches(x.slice(bi + bestLen), y.slice(bj + bestLen));
    }
    return (2 * matches(a, b)) / (a.length + b.length);
  }

  function parseLayer(node, text) {
    if (!node || !node.call) throw new Error("expected a layer such as Linear(4, 2)");
    const name = callName(node);
    if (name === null) throw new Error("expected a layer such as Linear(4, 2)");
    if (!(name in STACK_LAYERS)) {
      const close = closeMatch(name, Object.keys(STACK_LAYERS));
      throw new Error(
        "name '" + name + "' is not a layer the calculator knows" +
          (close ? " (did you mean " + close + "?)" : "")
      );
    }
    const signature = STACK_LAYERS[name];
    const args = {};
    if (signature === null) {
      for (const arg of [...node.args, ...node.keywords.map((k) => k[1])]) literalValue(arg);
      return { name: name, args: args, text: text };
    }
    const [positional, keywordOnly] = signature;
    if (node.args.length > positional.length) {
      throw new TypeError(
        name + "() takes at most " + positional.length + " positional arguments (" +
          (positional.join(", ") || "none") + "), got " + node.args.length
      );
    }
    node.args.forEach((arg, i) => {
      args[positional[i]] = literalValue(arg);
    });
    for (const [key, value] of node.keywords) {
      if (!positional.includes(key) && !keywordOnly.includes(key)) {
        throw new TypeError(name + "() got an unexpected keyword argument '" + key + "'");
      }
      if (key in args) throw new TypeError(name + "() got multiple values for argument '" + key + "'");
      args[key] = literalValue(value);
    }
    for (const [key, value] of Object.entries(args)) {
      if (value === INFER && INFER_ARG[name] !== key) {
        const where = INFER_ARG[name];
        throw new Error(
          where
            ? "? stands for the input size, which is " + name + "'s " + where + ", not " + key
            : "? stands for the input size, which " + name + " does not take"
        );
      }
    }
    const missing = positional.slice(0, requiredCount(name)).filter((a) => !(a in args));
    if (missing.length) {
      throw new TypeError(
        name + "() missing required argument" + (missing.length > 1 ? "s" : "") + ": " +
          missing.map((a) => "'" + a + "'").join(", ")
      );
    }
    return { name: name, args: args, text: text };
  }

  function get(layer, key) {
    return key in layer.args ? layer.args[key] : DEFAULTS[key];
  }

  function dimsOf(name) {
    const match = /(\d)d$/.exec(name);
    return match ? Number(match[1]) : 0;
  }

  function needNdim(name, shape, allowed) {
    if (!allowed.includes(shape.length)) {
      throw new Error(
        name + " expects a " + allowed.map((n) => n + "-d").join(" or ") + " input, got " +
          shape.length + "-d " + pyRepr(shape)
      );
    }
  }

  function checkDim(name, dim, ndim) {
    checkInt(name, dim);
    if (!(dim >= -ndim && dim < ndim)) {
      throw new Error(
        "Dimension out of range (expected to be in range of [" + -ndim + ", " + (ndim - 1) +
          "], but got " + dim + ")"
      );
    }
    return ((dim % ndim) + ndim) % ndim;
  }

  function truthy(value) {
    if (value instanceof PyFloat) return value.value !== 0;
    if (Array.isArray(value) || typeof value === "string") return value.length > 0;
    return Boolean(value);
  }

  const QUESTION = /('[^'\n]*'|"[^"\n]*")|\?/g;

  /** Apply one layer to an input of `shape`: [output shape, parameter count, text]. */
  function applyLayer(layer, shape, integerInput) {
    const name = layer.name;
    const ndim = shape.length;
    const infer = INFER_ARG[name];
    if (infer !== undefined && layer.args[infer] === INFER) {
      const d = dimsOf(name);
      let value;
      if (name.startsWith("Conv")) {
        needNdim(name, shape, [d + 1, d + 2]);
        value = shape[shape.length - (d + 1)];
      } else if (name.startsWith("BatchNorm") || name === "GroupNorm") {
        value = ndim >= 2 ? shape[1] : shape[0];
      } else {
        value = shape[shape.length - 1];
      }
      const args = Object.assign({}, layer.args);
      args[infer] = value;
      layer = {
        name: name,
        args: args,
        text: layer.text.replace(QUESTION, (m, literal) => literal || String(value)),
      };
    }
    const text = layer.text;
    const g = (key) => get(layer, key);
    const dims = dimsOf(name);
    if (name === "Embedding") {
      const count = embeddingParams({ num_embeddings: g("num_embeddings"), embedding_dim: g("embedding_dim") });
      const paddingIdx = g("padding_idx");
      if (paddingIdx !== null) {
        checkInt("padding_idx", paddingIdx);
        if (!(paddingIdx >= -g("num_embeddings") && paddingIdx < g("num_embeddings"))) {
          throw new Error("Padding_idx must be within num_embeddings");
        }
      }
      if (!integerInput) {
        throw new Error(
          "Embedding needs integer indices, but its input is a float tensor " +
            "(only a stack's first layer gets the integer input)"
        );
      }
      return [[...shape, g("embedding_dim")], count, text];
    }
    if (name === "Linear") {
      const count = linearParams({ in_features: g("in_features"), out_features: g("out_features"), bias: truthy(g("bias")) });
      const last = shape[shape.length - 1];
      if (last !== g("in_features")) {
        const rows = product(shape.slice(0, -1));
        throw new Error(
          "mat1 and mat2 shapes cannot be multiplied (" + rows + "x" + last + " and " +
            g("in_features") + "x" + g("out_features") + "): in_features=" + g("in_features") +
            " must equal the input's last dimension, " + last
        );
      }
      return [[...shape.slice(0, -1), g("out_features")], count, text];
    }
    if (/^Conv\dd$/.test(name) || name.startsWith("ConvTranspose")) {
      const transposed = name.startsWith("ConvTranspose");
      const cIn = g("in_channels");
      const cOut = g("out_channels");
      const counter = transposed ? convTransposeParams : convParams;
      const count = counter({
        in_channels: cIn, out_channels: cOut, kernel_size: g("kernel_size"), dims: dims,
        groups: g("groups"), bias: truthy(g("bias")),
      });
      const padding = g("padding");
      if (transposed && typeof padding === "string") {
        throw new Error("padding=" + pyRepr(padding) + " is not supported by " + name + ": give an int");
      }
      if (typeof padding === "string" && padding !== "same" && padding !== "valid") {
        throw new Error("Invalid padding string " + pyRepr(padding) + ", should be one of 'valid', 'same'");
      }
      if (g("padding_mode") !== "zeros") {
        throw new Error(
          "padding_mode=" + pyRepr(g("padding_mode")) + " is not modelled by the calculator (only 'zeros')"
        );
      }
      const stride = g("stride") === null ? 1 : g("stride");
      if (padding === "same" && expand("stride", stride, dims).some((s) => s !== 1)) {
        throw new Error("padding='same' is not supported for strided convolutions");
      }
      needNdim(name, shape, [dims + 1, dims + 2]);
      const channels = shape[shape.length - (dims + 1)];
      if (channels !== cIn) {
        throw new Error(
          "expected input" + JSON.stringify(shape).replace(/,/g, ", ") + " to have " + cIn +
            " channels, but got " + channels + " channels instead"
        );
      }
      const spatial = shape.slice(-dims);
      const out = transposed
        ? convTransposeOutputShape({
            input_size: spatial, kernel_size: g("kernel_size"), stride: stride, padding: padding,
            output_padding: g("output_padding"), dilation: g("dilation"),
          })
        : convOutputShape({
            input_size: spatial, kernel_size: g("kernel_size"), stride: stride, padding: padding,
            dilation: g("dilation"),
          });
      return [[...shape.slice(0, -(dims + 1)), cOut, ...out], count, text];
    }
    if (name.startsWith("MaxPool") || name.startsWith("AvgPool") || name.startsWith("LPPool")) {
      if (truthy(g("return_indices"))) {
        throw new Error("return_indices=True returns a tuple: not modelled in a stack");
      }
      needNdim(name, shape, [dims + 1, dims + 2]);
      const spatial = shape.slice(-dims);
      const kernel = expand("kernel_size", g("kernel_size"), dims);
      let padding = g("padding");
      if (name.startsWith("LPPool")) {
        checkNumber("norm_type", g("norm_type"));
        padding = 0;
      }
      if (g("divisor_override") !== null && numberOf(g("divisor_override")) === 0) {
        throw new Error("divisor must be not zero");
      }
      if ((name === "AvgPool3d" || name === "LPPool3d") && spatial.some((i, j) => i < kernel[j])) {
        throw new Error(
          "input image " + pyRepr(spatial) + " smaller than kernel size " + pyRepr(kernel) +
            " (" + name.slice(0, -2) + " 3d checks this, padding or not)"
        );
      }
      const dilation = name.startsWith("MaxPool") ? g("dilation") : 1;
      const out = poolOutputShape({
        input_size: spatial, kernel_size: kernel, stride: g("stride"), padding: padding,
        dilation: dilation, ceil_mode: truthy(g("ceil_mode")),
      });
      return [[...shape.slice(0, -dims), ...out], 0, text];
    }
    if (name.startsWith("Adaptive")) {
      if (truthy(g("return_indices"))) {
        throw new Error("return_indices=True returns a tuple: not modelled in a stack");
      }
      needNdim(name, shape, [dims + 1, dims + 2]);
      const bins = adaptivePoolBins({ input_size: shape.slice(-dims), output_size: g("output_size") });
      return [[...shape.slice(0, -dims), ...bins.map((b) => b.length)], 0, text];
    }
    if (name.startsWith("BatchNorm")) {
      const features = g("num_features");
      const count = batchNormParams({ num_features: features, affine: truthy(g("affine")), bias: truthy(g("bias")) });
      needNdim(name, shape, dims === 1 ? [2, 3] : [dims + 2]);
      if (product([shape[0], ...shape.slice(2)]) === 1) {
        throw new Error(
          "Expected more than 1 value per channel when training, got input size " + pyRepr(shape)
        );
      }
      if (checkNumber("eps", g("eps")) <= 0) {
        throw new Error("batch_norm eps must be positive during training, got " + pyRepr(g("eps")));
      }
      if ((truthy(g("affine")) || truthy(g("track_running_stats"))) && shape[1] !== features) {
        throw new Error(
          "num_features=" + features + " must equal the input's channels, " + shape[1] +
            " (dimension 1 of " + pyRepr(shape) + ")"
        );
      }
      return [shape, count, text];
    }
    if (name === "LayerNorm" || name === "RMSNorm") {
      const normalized = g("normalized_shape");
      const count =
        name === "LayerNorm"
          ? layerNormParams({ normalized_shape: normalized, elementwise_affine: truthy(g("elementwise_affine")), bias: truthy(g("bias")) })
          : rmsNormParams({ normalized_shape: normalized, elementwise_affine: truthy(g("elementwise_affine")) });
      const wanted = isInt(normalized) ? [normalized] : normalized;
      const tail = shape.slice(shape.length - wanted.length);
      if (shape.length < wanted.length || tail.some((s, i) => s !== wanted[i])) {
        throw new Error(
          "Given normalized_shape=[" + wanted.join(", ") + "], expected input with shape [*, " +
            wanted.join(", ") + "], but got input of size [" + shape.join(", ") + "]"
        );
      }
      return [shape, count, text];
    }
    if (name === "GroupNorm") {
      const groups = g("num_groups");
      const channels = g("num_channels");
      const count = groupNormParams({ num_groups: groups, num_channels: channels, affine: truthy(g("affine")), bias: truthy(g("bias")) });
      if (ndim < 2) {
        throw new Error("Expected at least 2 dimensions for input tensor but received " + ndim);
      }
      if (floorDiv(shape[0] * shape[1], groups) * product(shape.slice(2)) === 1) {
        throw new Error(
          "Expected more than 1 value per channel when training, got input size " + pyRepr(shape)
        );
      }
      if (shape[1] % groups) {
        throw new Error(
          "Expected number of channels in input to be divisible by num_groups, but got input of shape [" +
            shape.join(", ") + "] and num_groups=" + groups
        );
      }
      if (truthy(g("affine")) && shape[1] !== channels) {
        throw new Error("num_channels=" + channels + " must equal the input's channels, " + shape[1]);
      }
      return [shape, count, text];
    }
    if (name === "Flatten") {
      const start = checkDim("start_dim", g("start_dim"), ndim);
      const end = checkDim("end_dim", g("end_dim"), ndim);
      if (start > end) {
        throw new Error("flatten() has invalid args: start_dim cannot come after end_dim");
      }
      return [
        [...shape.slice(0, start), product(shape.slice(start, end + 1)), ...shape.slice(end + 1)],
        0,
        text,
      ];
    }
    if (name === "Upsample") {
      const mode = g("mode");
      if (["nearest", "area", "nearest-exact"].includes(mode) && g("align_corners") !== null) {
        throw new Error(
          "align_corners option can only be set with the interpolating modes: " +
            "linear | bilinear | bicubic | trilinear"
        );
      }
      let scale = g("scale_factor");
      if (!Array.isArray(scale)) {
        scale = truthy(scale) ? checkNumber("scale_factor", scale) : null;
      }
      if (ndim < 3 || ndim > 5) {
        throw new Error("Upsample expects a 3-d, 4-d or 5-d input, got " + ndim + "-d " + pyRepr(shape));
      }
      const out = interpolateOutputShape({
        input_size: shape.slice(2), size: g("size"), scale_factor: scale, mode: mode,
        recompute_scale_factor: g("recompute_scale_factor"),
      });
      return [[...shape.slice(0, 2), ...out], 0, text];
    }
    if (name === "Dropout") {
      const p = checkNumber("p", g("p"));
      if (!(p >= 0 && p <= 1)) {
        throw new Error("dropout probability has to be between 0 and 1, but got " + pyRepr(g("p")));
      }
    }
    if ((name === "Softmax" || name === "LogSoftmax") && g("dim") !== null) {
      checkDim("dim", g("dim"), ndim);
    }
    if (name === "GELU" && !["none", "tanh"].includes(g("approximate"))) {
      throw new Error("approximate argument must be either none or tanh");
    }
    return [shape, 0, text];
  }

  function parseStack(a) {
    return parseStackText(a.text).map(([written, layer], index) => {
      if (layer instanceof Error) throw new StackError(layer.message, index, written);
      return layer;
    });
  }

  function stackSummary(a) {
    const items = parseStackText(a.layers);
    const inputShape = a.input_shape;
    if (!isSequence(inputShape)) {
      throw argError("input_shape", "input_shape must be a tuple, got " + pyRepr(inputShape), TypeError);
    }
    if (!inputShape.length) {
      throw argError("input_shape", "input_shape must have at least one dimension");
    }
    let shape = inputShape.map((s) => checkPositiveInt("input_shape", s));
    const rows = [];
    let integerInput = !(items[0][1] instanceof Error) && items[0][1].name === "Embedding";
    items.forEach(([written, layer], index) => {
      let params, text;
      try {
        if (layer instanceof Error) throw layer;
        [shape, params, text] = applyLayer(layer, shape, integerInput);
      } catch (error) {
        if (error instanceof StackError) throw error;
        throw new StackError(error.message, index, written, rows.slice());
      }
      integerInput = false;
      rows.push({ layer: text, output_shape: shape, params: params });
    });
    return {
      layers: rows,
      input_shape: inputShape.slice(),
      output_shape: shape,
      total_params: rows.reduce((sum, row) => sum + row.params, 0),
    };
  }

  // --- the API -----------------------------------------------------------------------

  const R = REQUIRED;
  const api = {
    linear_params: takes("linear_params", { in_features: R, out_features: R, bias: true }, linearParams),
    bilinear_params: takes(
      "bilinear_params",
      { in1_features: R, in2_features: R, out_features: R, bias: true },
      bilinearParams
    ),
    embedding_params: takes("embedding_params", { num_embeddings: R, embedding_dim: R }, embeddingParams),
    conv_params: takes(
      "conv_params",
      { in_channels: R, out_channels: R, kernel_size: R, dims: 2, groups: 1, bias: true },
      convParams
    ),
    conv_transpose_params: takes(
      "conv_transpose_params",
      { in_channels: R, out_channels: R, kernel_size: R, dims: 2, groups: 1, bias: true },
      convTransposeParams
    ),
    batch_norm_params: takes(
      "batch_norm_params",
      { num_features: R, affine: true, bias: true },
      batchNormParams
    ),
    instance_norm_params: takes(
      "instance_norm_params",
      { num_features: R, affine: false, bias: true },
      batchNormParams
    ),
    layer_norm_params: takes(
      "layer_norm_params",
      { normalized_shape: R, elementwise_affine: true, bias: true },
      layerNormParams
    ),
    rms_norm_params: takes(
      "rms_norm_params",
      { normalized_shape: R, elementwise_affine: true },
      rmsNormParams
    ),
    group_norm_params: takes(
      "group_norm_params",
      { num_groups: R, num_channels: R, affine: true, bias: true },
      groupNormParams
    ),
    rnn_params: takes(
      "rnn_params",
      {
        mode: R, input_size: R, hidden_size: R, num_layers: 1, bias: true,
        bidirectional: false, proj_size: 0,
      },
      rnnParams
    ),
    multihead_attention_params: takes(
      "multihead_attention_params",
      { embed_dim: R, num_heads: R, kdim: null, vdim: null, bias: true, add_bias_kv: false },
      multiheadAttentionParams
    ),
    conv_output_shape: takes(
      "conv_output_shape",
      { input_size: R, kernel_size: R, stride: 1, padding: 0, dilation: 1 },
      convOutputShape
    ),
    conv_transpose_output_shape: takes(
      "conv_transpose_output_shape",
      { input_size: R, kernel_size: R, stride: 1, padding: 0, output_padding: 0, dilation: 1 },
      convTransposeOutputShape
    ),
    pool_output_shape: takes(
      "pool_output_shape",
      { input_size: R, kernel_size: R, stride: null, padding: 0, dilation: 1, ceil_mode: false },
      poolOutputShape
    ),
    adaptive_pool_bins: takes(
      "adaptive_pool_bins",
      { input_size: R, output_size: R },
      adaptivePoolBins
    ),
    unfold_block_count: takes(
      "unfold_block_count",
      { input_size: R, kernel_size: R, dilation: 1, padding: 0, stride: 1 },
      unfoldBlockCount
    ),
    interpolate_output_shape: takes(
      "interpolate_output_shape",
      { input_size: R, size: null, scale_factor: null, mode: "nearest", recompute_scale_factor: null },
      interpolateOutputShape
    ),
    rnn_output_shapes: takes(
      "rnn_output_shapes",
      {
        mode: R, input_shape: R, input_size: R, hidden_size: R, num_layers: 1,
        batch_first: false, bidirectional: false, proj_size: 0,
      },
      rnnOutputShapes
    ),
    parse_stack: takes("parse_stack", { text: R }, parseStack),
    stack_summary: takes("stack_summary", { layers: R, input_shape: R }, stackSummary),
    STACK_LAYERS: STACK_LAYERS,
    StackError: StackError,
  };
  window.layerrefFormulas = Object.freeze(api);

  // --- the forms -----------------------------------------------------------------------

  const F = api;
  let uid = 0;

  // --- the forms' texts in the page's language ----------------------------------------
  //
  // The forms are written in English; on the Chinese page (<html lang="zh">) t() gives
  // each text's Chinese from ZH, keyed by the English. "{name}" marks a value filled in.
  // Only the forms' own texts are here: the messages of window.layerrefFormulas that say
  // what torch (or layerref.formulas in Python) refuses stay as torch words them, in both
  // languages, so a reader can search them; ERROR_PHRASES lists the few phrases of those
  // messages that are the calculators' own (how they read a stack), translated for display.

  const ZH = {
    // field labels
    "Dimensions": "维数",
    "Input size": "输入大小",
    "Input size (H, W)": "输入大小（H, W）",
    "Channels C": "通道数 C",
    "Target size (optional)": "目标大小（可选）",
    "Layer": "层",
    "Given": "给定",
    "Sequence length L": "序列长度 L",
    "Batch N": "批大小 N",
    "Layers, as in Python": "各层，按 Python 的写法",
    "Input shape (batch included)": "输入形状（含批次维度）",
    // hints
    "spatial: L, H×W or D×H×W": "空间尺寸：L、H×W 或 D×H×W",
    "int, tuple, same or valid": "int、tuple、same 或 valid",
    "spatial sizes": "空间尺寸",
    "spatial sizes (1 to 3)": "空间尺寸（1 到 3 个）",
    "which output_padding reaches it?": "哪个 output_padding 能得到它？",
    "empty: kernel_size": "留空：等于 kernel_size",
    "int, tuple; None keeps a size (2d, 3d)": "int 或 tuple；None 保持该维度的大小（2d、3d）",
    "empty: unbatched": "留空：不带批次维度",
    "empty: embed_dim": "留空：等于 embed_dim",
    "? = the input size, filled in (in_features, in_channels, num_features, normalized_shape)":
      "? = 输入的大小，自动填入（in_features、in_channels、num_features、normalized_shape）",
    // results
    "Output shape": "输出形状",
    "Per dimension": "各维度",
    "Parameters": "可学习参数",
    "Total parameters": "参数总数",
    "Blocks L": "块数 L",
    "Scale the kernel uses": "插值核所用的缩放比例",
    "Input": "输入",
    "With ceil_mode={value}": "ceil_mode={value} 时",
    "To reach {shape}": "要得到 {shape}",
    "Dimension {j} (input {size} → {out}):": "第 {j} 维（输入 {size} → {out}）：",
    "… {count} more": "… 还有 {count} 个",
    " = weight {shape}": " = 权重 {shape}",
    " + bias {shape}": " + 偏置 {shape}",
    "{padding}: the output keeps the input's size": "{padding}：输出保持输入的大小",
    "{padding}: no padding": "{padding}：不填充",
    "no output_padding does: it would have to be {needed}, each in 0 … max(stride, dilation) − 1; change stride, padding or kernel_size":
      "没有哪个 output_padding 能做到：它得是 {needed}，而每一项只能取 0 … max(stride, dilation) − 1；请改变 stride、padding 或 kernel_size",
    "an error ({message})": "报错（{message}）",
    " ({name} has no weights)": "（{name} 没有权重）",
    " (output / input: recomputed)": "（输出 / 输入：重新计算）",
    " (the scale_factor as given)": "（即给定的 scale_factor）",
    " (num_heads splits embed_dim: head size {size}; it adds no parameters)":
      "（num_heads 只是把 embed_dim 拆分开：每个头的大小为 {size}；它不增加参数）",
    "Buffers, not parameters: running_mean and running_var ({count} each, with track_running_stats), num_batches_tracked.":
      "缓冲区（buffer），不是可学习参数：running_mean 和 running_var（track_running_stats 时各 {count} 个），以及 num_batches_tracked。",
    "InstanceNorm's affine defaults to False: nn.InstanceNorm2d({count}) has no parameters unless affine=True.":
      "InstanceNorm 的 affine 默认为 False：除非 affine=True，nn.InstanceNorm2d({count}) 没有可学习参数。",
    // table headers and cells
    "Output": "输出",
    "Window": "窗口",
    "Size": "大小",
    "Parameter": "参数",
    "Shape": "形状",
    "Count": "个数",
    "#": "序号",
    "Param #": "参数个数",
    "✗ refused": "✗ 被拒绝",
    // what the forms say about what the reader wrote
    "write a whole number, or one per dimension: 3 or 3, 5": "请写一个整数，或每个维度一个：3 或 3, 5",
    "write whole numbers separated by commas, not {text}": "请写以逗号分隔的整数，而不是 {text}",
    "write whole numbers separated by commas (or None), not {text}":
      "请写以逗号分隔的整数（或 None），而不是 {text}",
    "write a number, or one per dimension: 2 or 1.5, 2": "请写一个数，或每个维度一个：2 或 1.5, 2",
    "write numbers separated by commas, not {text}": "请写以逗号分隔的数，而不是 {text}",
    "give {dims} spatial size for {dims}d (batch and channels excluded)":
      "请给出 {dims} 个空间尺寸，对应 {dims}d（不含批次维度和通道维度）",
    "give {dims} spatial sizes for {dims}d (batch and channels excluded)":
      "请给出 {dims} 个空间尺寸，对应 {dims}d（不含批次维度和通道维度）",
    "give {dims} target sizes": "请给出 {dims} 个目标尺寸",
    // the calculators' own phrases inside layerrefFormulas' messages (ERROR_PHRASES)
    "layer {index}, {layer}: {detail}": "第 {index} 层 {layer}：{detail}",
    "cannot read the layers: {detail}": "无法读取这些层：{detail}",
    "{detail} (a comma missing?)": "{detail}（是不是少了逗号？）",
    "unexpected end of the text": "文本意外结束",
    "no layers: write e.g. Linear(4, 2), ReLU()": "没有层：请写出各层，例如 Linear(4, 2), ReLU()",
    "Sequential takes the layers as positional arguments": "Sequential 的各层要作为位置参数给出",
    "expected a layer such as Linear(4, 2)": "这里应当是一个层，例如 Linear(4, 2)",
    "name '{name}' is not a layer the calculator knows": "计算器不认识名为 '{name}' 的层",
    "name '{name}' is not a layer the calculator knows (did you mean {close}?)":
      "计算器不认识名为 '{name}' 的层（是不是想写 {close}？）",
    "arguments must be literals (numbers, strings, tuples, True/False/None) or ?, got {detail}":
      "参数必须是字面量（数、字符串、元组、True/False/None）或 ?，这里却是 {detail}",
    "? stands for the input size, which is {layer}'s {arg}, not {other}":
      "? 代表输入的大小，即 {layer} 的 {arg}，而不是 {other}",
    "? stands for the input size, which {layer} does not take": "? 代表输入的大小，而 {layer} 不接受它",
    "return_indices=True returns a tuple: not modelled in a stack":
      "return_indices=True 时返回一个元组：层的堆叠不支持这种情况",
    "padding_mode={mode} is not modelled by the calculator (only 'zeros')":
      "计算器不支持 padding_mode={mode}（只支持 'zeros'）",
    "{detail} (only a stack's first layer gets the integer input)":
      "{detail}（只有堆叠的第一层得到整数输入）",
    "{detail} ({layer} checks this, padding or not)": "{detail}（{layer} 会检查这一点，无论有没有填充）",
  };

  /** The phrases of layerrefFormulas' messages that are the calculators' own (see ZH). */
  const ERROR_PHRASES = [
    "cannot read the layers: {detail}",
    "{detail} (a comma missing?)",
    "unexpected end of the text",
    "no layers: write e.g. Linear(4, 2), ReLU()",
    "Sequential takes the layers as positional arguments",
    "expected a layer such as Linear(4, 2)",
    "name '{name}' is not a layer the calculator knows",
    "name '{name}' is not a layer the calculator knows (did you mean {close}?)",
    "arguments must be literals (numbers, strings, tuples, True/False/None) or ?, got {detail}",
    "? stands for the input size, which is {layer}'s {arg}, not {other}",
    "? stands for the input size, which {layer} does not take",
    "return_indices=True returns a tuple: not modelled in a stack",
    "padding_mode={mode} is not modelled by the calculator (only 'zeros')",
    "{detail} (only a stack's first layer gets the integer input)",
    "{detail} ({layer} checks this, padding or not)",
  ];

  function chinese() {
    return /^zh\b/i.test(document.documentElement.lang || "");
  }

  /** `text` (English, with "{name}" for each value in `values`) in the page's language. */
  function t(text, values) {
    const template = chinese() && Object.prototype.hasOwnProperty.call(ZH, text) ? ZH[text] : text;
    if (!values) return template;
    return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  }

  /** A pattern reading `phrase`'s values back from a message ({detail}: the longest run). */
  function phrasePattern(phrase) {
    let source = "";
    let last = 0;
    phrase.replace(/\{(\w+)\}/g, (whole, key, at) => {
      source += phrase.slice(last, at).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      source += key === "detail" ? "(?<detail>[^]*)" : "(?<" + key + ">[^]*?)";
      last = at + whole.length;
      return whole;
    });
    source += phrase.slice(last).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp("^" + source + "$");
  }

  const ERROR_PATTERNS = ERROR_PHRASES.map((phrase) => [phrase, phrasePattern(phrase)]);

  /** A layerrefFormulas message for the page: its calculator phrases translated, torch's kept. */
  function localMessage(message) {
    if (!chinese()) return message;
    for (const [phrase, pattern] of ERROR_PATTERNS) {
      const match = pattern.exec(message);
      if (!match) continue;
      const values = Object.assign({}, match.groups);
      if ("detail" in values) values.detail = localMessage(values.detail);
      return t(phrase, values);
    }
    return message;
  }

  /** What a form shows for an error: a stack's layer named in the page's language. */
  function errorText(error) {
    if (!chinese()) return error.message;
    if (error instanceof StackError && error.index !== null) {
      return t("layer {index}, {layer}: {detail}", {
        index: error.index + 1, layer: error.layer, detail: localMessage(error.reason),
      });
    }
    return localMessage(error.message);
  }

  // The table, for the tests (that no English text of it is left on the Chinese page).
  window.layerrefCalculatorTexts = Object.freeze(Object.assign({}, ZH));

  /** Read "3", "3, 5", "(3, 5)" or "[3, 5]" as an int or a list of ints. */
  function parseInts(text, { allowNone = false, keywords = [] } = {}) {
    const trimmed = text.trim().replace(/^[([]|[)\]]$/g, "").trim();
    if (keywords.includes(trimmed.replace(/['"]/g, ""))) return trimmed.replace(/['"]/g, "");
    if (trimmed === "") throw new Error(t("write a whole number, or one per dimension: 3 or 3, 5"));
    const parts = trimmed.split(/\s*[,x×\s]\s*/).filter((p) => p !== "");
    const values = parts.map((p) => {
      if (allowNone && /^(None|none|-)$/.test(p)) return null;
      if (!/^-?\d+$/.test(p)) {
        const message = allowNone
          ? "write whole numbers separated by commas (or None), not {text}"
          : "write whole numbers separated by commas, not {text}";
        throw new Error(t(message, { text: JSON.stringify(p) }));
      }
      return Number(p);
    });
    return values.length === 1 && !/,/.test(text) ? values[0] : values;
  }

  function parseNumbers(text) {
    const trimmed = text.trim().replace(/^[([]|[)\]]$/g, "").trim();
    const parts = trimmed.split(/\s*[,\s]\s*/).filter((p) => p !== "");
    if (!parts.length) throw new Error(t("write a number, or one per dimension: 2 or 1.5, 2"));
    const values = parts.map((p) => {
      if (!/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(p)) {
        throw new Error(t("write numbers separated by commas, not {text}", { text: JSON.stringify(p) }));
      }
      return Number(p);
    });
    return values.length === 1 && !/,/.test(text) ? values[0] : values;
  }

  function fmtShape(shape) {
    return "(" + shape.join(", ") + (shape.length === 1 ? ",)" : ")");
  }

  function fmtInt(n) {
    return n.toLocaleString("en-US");
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function code(text) {
    return el("code", {}, text);
  }

  /**
   * A calculator: fields (label, input, error slot) and an output that `compute` fills.
   *
   * compute(values, show) reads the fields' parsed values and returns DOM nodes to show;
   * an Error it throws with `arg` naming a field is shown next to that field, any other
   * below the fields.
   */
  function calculator(root, spec) {
    const form = el("form", { class: "lr-calc__form", novalidate: true });
    form.addEventListener("submit", (event) => event.preventDefault());
    const fields = {};
    for (const field of spec.fields) {
      const id = "lr-" + spec.id + "-" + field.name + "-" + uid++;
      const errorId = id + "-error";
      let input;
      if (field.type === "select") {
        input = el("select", { id: id, name: field.name });
        for (const [value, label] of field.options) {
          input.append(el("option", { value: value, selected: value === field.value }, label));
        }
      } else if (field.type === "checkbox") {
        input = el("input", { id: id, name: field.name, type: "checkbox", checked: field.value });
      } else if (field.type === "textarea") {
        input = el("textarea", {
          id: id, name: field.name, rows: field.rows || 5, spellcheck: "false",
          autocapitalize: "off", autocomplete: "off",
        });
        input.value = field.value;
      } else {
        input = el("input", {
          id: id, name: field.name, type: "text", inputmode: field.inputmode || null,
          autocomplete: "off", spellcheck: "false", autocapitalize: "off",
        });
        input.value = field.value;
      }
      input.setAttribute("aria-describedby", errorId + (field.hint ? " " + id + "-hint" : ""));
      const label = el("label", { for: id }, t(field.label));
      const hint = field.hint ? el("span", { class: "lr-calc__hint", id: id + "-hint" }, t(field.hint)) : null;
      const error = el("span", { class: "lr-calc__error", id: errorId, "aria-live": "polite" });
      const wrapper = el(
        "div",
        { class: "lr-calc__field" + (field.type === "checkbox" ? " lr-calc__field--check" : "") + (field.wide ? " lr-calc__field--wide" : "") },
        ...(field.type === "checkbox" ? [input, label] : [label, input]),
        hint,
        error
      );
      form.append(wrapper);
      fields[field.name] = { spec: field, input: input, error: error, wrapper: wrapper };
    }
    const output = el("output", { class: "lr-calc__output", "aria-live": "polite", for: Object.values(fields).map((f) => f.input.id).join(" ") });
    const general = el("p", { class: "lr-calc__error lr-calc__error--general", role: "status" });
    root.replaceChildren(form, general, output);
    root.classList.add("lr-calc");

    function read(name) {
      const f = fields[name];
      const field = f.spec;
      if (field.type === "checkbox") return f.input.checked;
      const raw = f.input.value;
      if (field.type === "select" || field.type === "textarea" || field.parse === undefined) return raw;
      if (field.optional && raw.trim() === "") return null;
      try {
        return field.parse(raw);
      } catch (error) {
        error.arg = name;
        throw error;
      }
    }

    function update() {
      for (const f of Object.values(fields)) {
        f.error.textContent = "";
        f.input.removeAttribute("aria-invalid");
        f.wrapper.hidden = f.spec.showIf ? !f.spec.showIf(readAll(true)) : false;
      }
      general.textContent = "";
      let values;
      try {
        values = readAll(false);
        output.replaceChildren(...spec.compute(values));
        root.classList.remove("lr-calc--invalid");
      } catch (error) {
        root.classList.add("lr-calc--invalid");
        const target = error.arg && fields[error.arg] && !fields[error.arg].wrapper.hidden
          ? fields[error.arg]
          : fields[spec.errorField && spec.errorField(error)];
        if (target) {
          target.error.textContent = errorText(error);
          target.input.setAttribute("aria-invalid", "true");
        } else {
          general.textContent = errorText(error);
        }
        output.replaceChildren(...(spec.partial ? spec.partial(error) : []));
      }
    }

    function readAll(lenient) {
      const values = {};
      for (const name of Object.keys(fields)) {
        if (!lenient && fields[name].wrapper.hidden) continue;
        try {
          values[name] = read(name);
        } catch (error) {
          if (!lenient) throw error;
          values[name] = fields[name].input.value;
        }
      }
      return values;
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
    return { fields: fields, update: update };
  }

  function resultLine(label, ...value) {
    return el("div", { class: "lr-calc__result" }, el("span", { class: "lr-calc__label" }, t(label)), " ", ...value);
  }

  /** " = weight (shape) + bias (shape)" in the page's language; `bias` null: none. */
  function weightAndBias(weight, bias) {
    return t(" = weight {shape}", { shape: fmtShape(weight) }) + (bias ? t(" + bias {shape}", { shape: fmtShape(bias) }) : "");
  }

  /** One line per spatial dimension. */
  function steps(lines) {
    return el("ul", { class: "lr-calc__steps" }, ...lines.map((line) => el("li", {}, line)));
  }

  function table(headers, rows, rowClass) {
    const head = el("tr", {}, ...headers.map((h) => el("th", { scope: "col" }, t(h))));
    const body = rows.map((cells, i) => el("tr", { class: rowClass ? rowClass(i) : null }, ...cells.map((c) => el("td", {}, c))));
    return el("div", { class: "lr-calc__table" }, el("table", {}, el("thead", {}, head), el("tbody", {}, ...body)));
  }

  const dimsField = { name: "dims", label: "Dimensions", type: "select", options: [["1", "1d"], ["2", "2d"], ["3", "3d"]], value: "2" };
  const ints = (opts) => (text) => parseInts(text, opts);

  function perDim(value, dims) {
    return Array.isArray(value) ? value : Array(dims).fill(value);
  }

  function checkSpatialMatchesDims(values) {
    const dims = Number(values.dims);
    const size = Array.isArray(values.input_size) ? values.input_size : [values.input_size];
    if (size.length !== dims) {
      const message = dims > 1
        ? "give {dims} spatial sizes for {dims}d (batch and channels excluded)"
        : "give {dims} spatial size for {dims}d (batch and channels excluded)";
      throw argError("input_size", t(message, { dims: dims }));
    }
    return size;
  }

  const builders = {
    conv(root) {
      calculator(root, {
        id: "conv",
        fields: [
          dimsField,
          { name: "input_size", label: "Input size", value: "32, 32", parse: ints(), hint: "spatial: L, H×W or D×H×W" },
          { name: "in_channels", label: "in_channels", value: "3", parse: ints() },
          { name: "out_channels", label: "out_channels", value: "16", parse: ints() },
          { name: "kernel_size", label: "kernel_size", value: "3", parse: ints() },
          { name: "stride", label: "stride", value: "2", parse: ints() },
          { name: "padding", label: "padding", value: "1", parse: ints({ keywords: ["same", "valid"] }), hint: "int, tuple, same or valid" },
          { name: "dilation", label: "dilation", value: "1", parse: ints() },
          { name: "groups", label: "groups", value: "1", parse: ints() },
          { name: "bias", label: "bias", type: "checkbox", value: true },
        ],
        compute(v) {
          const dims = Number(v.dims);
          const size = checkSpatialMatchesDims(v);
          const params = F.conv_params({ in_channels: v.in_channels, out_channels: v.out_channels, kernel_size: v.kernel_size, dims: dims, groups: v.groups, bias: v.bias });
          const out = F.conv_output_shape({ input_size: size, kernel_size: v.kernel_size, stride: v.stride, padding: v.padding, dilation: v.dilation });
          const k = perDim(v.kernel_size, dims);
          const formula = typeof v.padding === "string"
            ? t(v.padding === "same" ? "{padding}: the output keeps the input's size" : "{padding}: no padding", { padding: "padding=" + pyRepr(v.padding) })
            : steps(size.map((i, j) => {
                const p = perDim(v.padding, dims)[j], d = perDim(v.dilation, dims)[j], s = perDim(v.stride, dims)[j];
                return "⌊(" + i + " + 2·" + p + " − " + d + "·(" + k[j] + " − 1) − 1) / " + s + "⌋ + 1 = " + out[j];
              }));
          const weight = [v.out_channels, v.in_channels / v.groups, ...k];
          return [
            resultLine("Output shape", code(fmtShape(["N", v.out_channels, ...out]))),
            resultLine("Per dimension", formula),
            resultLine("Parameters", el("strong", {}, fmtInt(params)), weightAndBias(weight, v.bias ? [v.out_channels] : null)),
          ];
        },
      });
    },

    "conv-transpose"(root) {
      calculator(root, {
        id: "convt",
        fields: [
          dimsField,
          { name: "input_size", label: "Input size", value: "14, 14", parse: ints(), hint: "spatial sizes" },
          { name: "in_channels", label: "in_channels", value: "16", parse: ints() },
          { name: "out_channels", label: "out_channels", value: "8", parse: ints() },
          { name: "kernel_size", label: "kernel_size", value: "3", parse: ints() },
          { name: "stride", label: "stride", value: "2", parse: ints() },
          { name: "padding", label: "padding", value: "1", parse: ints() },
          { name: "output_padding", label: "output_padding", value: "1", parse: ints() },
          { name: "dilation", label: "dilation", value: "1", parse: ints() },
          { name: "groups", label: "groups", value: "1", parse: ints() },
          { name: "bias", label: "bias", type: "checkbox", value: true },
          { name: "target", label: "Target size (optional)", value: "28, 28", parse: ints(), optional: true, hint: "which output_padding reaches it?" },
        ],
        compute(v) {
          const dims = Number(v.dims);
          const size = checkSpatialMatchesDims(v);
          const params = F.conv_transpose_params({ in_channels: v.in_channels, out_channels: v.out_channels, kernel_size: v.kernel_size, dims: dims, groups: v.groups, bias: v.bias });
          const out = F.conv_transpose_output_shape({ input_size: size, kernel_size: v.kernel_size, stride: v.stride, padding: v.padding, output_padding: v.output_padding, dilation: v.dilation });
          const k = perDim(v.kernel_size, dims), s = perDim(v.stride, dims), p = perDim(v.padding, dims);
          const d = perDim(v.dilation, dims), op = perDim(v.output_padding, dims);
          const formula = steps(size.map((i, j) => "(" + i + " − 1)·" + s[j] + " − 2·" + p[j] + " + " + d[j] + "·(" + k[j] + " − 1) + " + op[j] + " + 1 = " + out[j]));
          const lines = [
            resultLine("Output shape", code(fmtShape(["N", v.out_channels, ...out]))),
            resultLine("Per dimension", formula),
            resultLine("Parameters", el("strong", {}, fmtInt(params)), weightAndBias([v.in_channels, v.out_channels / v.groups, ...k], v.bias ? [v.out_channels] : null)),
          ];
          if (v.target !== null) {
            const target = perDim(v.target, dims);
            if (target.length !== dims) throw argError("target", t("give {dims} target sizes", { dims: dims }));
            const needed = size.map((i, j) => target[j] - ((i - 1) * s[j] - 2 * p[j] + d[j] * (k[j] - 1) + 1));
            const ok = needed.every((n, j) => n >= 0 && n < Math.max(s[j], d[j]));
            lines.push(resultLine(
              t("To reach {shape}", { shape: fmtShape(target) }),
              ok
                ? el("span", {}, "output_padding=", code(pyRepr(needed.length === 1 ? needed[0] : needed)))
                : el("span", {}, t("no output_padding does: it would have to be {needed}, each in 0 … max(stride, dilation) − 1; change stride, padding or kernel_size", { needed: pyRepr(needed) }))
            ));
          }
          return lines;
        },
      });
    },

    pool(root) {
      calculator(root, {
        id: "pool",
        fields: [
          { name: "kind", label: "Layer", type: "select", options: [["max", "MaxPool"], ["avg", "AvgPool"], ["lp", "LPPool"]], value: "max" },
          dimsField,
          { name: "input_size", label: "Input size", value: "5, 5", parse: ints(), hint: "spatial sizes" },
          { name: "kernel_size", label: "kernel_size", value: "2", parse: ints() },
          { name: "stride", label: "stride", value: "", parse: ints(), optional: true, hint: "empty: kernel_size" },
          { name: "padding", label: "padding", value: "0", parse: ints(), showIf: (v) => v.kind !== "lp" },
          { name: "dilation", label: "dilation", value: "1", parse: ints(), showIf: (v) => v.kind === "max" },
          { name: "ceil_mode", label: "ceil_mode", type: "checkbox", value: false },
        ],
        compute(v) {
          const dims = Number(v.dims);
          const size = checkSpatialMatchesDims(v);
          const args = {
            input_size: size, kernel_size: v.kernel_size, stride: v.stride,
            padding: v.kind === "lp" ? 0 : v.padding, dilation: v.kind === "max" ? v.dilation : 1,
          };
          if (v.kind !== "max" && dims === 3) {
            const k = perDim(v.kernel_size, 3);
            if (size.some((i, j) => i < k[j])) {
              throw argError("input_size", t("{detail} ({layer} checks this, padding or not)", {
                detail: "input image " + fmtShape(size) + " smaller than kernel size " + fmtShape(k),
                layer: v.kind === "avg" ? "AvgPool3d" : "LPPool3d",
              }));
            }
          }
          const out = F.pool_output_shape(Object.assign({}, args, { ceil_mode: v.ceil_mode }));
          const other = (() => {
            try {
              return fmtShape(F.pool_output_shape(Object.assign({}, args, { ceil_mode: !v.ceil_mode })));
            } catch (error) {
              return t("an error ({message})", { message: errorText(error) });
            }
          })();
          const name = { max: "MaxPool", avg: "AvgPool", lp: "LPPool" }[v.kind] + dims + "d";
          return [
            resultLine("Output shape", code(fmtShape(["N", "C", ...out]))),
            resultLine(t("With ceil_mode={value}", { value: v.ceil_mode ? "False" : "True" }), code(other)),
            resultLine("Parameters", el("strong", {}, "0"), t(" ({name} has no weights)", { name: name })),
          ];
        },
      });
    },

    adaptive(root) {
      calculator(root, {
        id: "adaptive",
        fields: [
          dimsField,
          { name: "input_size", label: "Input size", value: "10, 7", parse: ints(), hint: "spatial sizes" },
          { name: "output_size", label: "output_size", value: "3, None", parse: ints({ allowNone: true }), hint: "int, tuple; None keeps a size (2d, 3d)" },
        ],
        compute(v) {
          const size = checkSpatialMatchesDims(v);
          const bins = F.adaptive_pool_bins({ input_size: size, output_size: v.output_size });
          const out = bins.map((b) => b.length);
          const nodes = [resultLine("Output shape", code(fmtShape(["N", "C", ...out])))];
          bins.forEach((dimBins, j) => {
            const shown = dimBins.slice(0, 64);
            nodes.push(el("p", { class: "lr-calc__label" }, t("Dimension {j} (input {size} → {out}):", { j: j + 1, size: size[j], out: dimBins.length })));
            nodes.push(table(
              ["Output", "Window", "Size"],
              shown.map(([a, b], i) => [String(i), "[" + a + ", " + b + ")", String(b - a)])
            ));
            if (dimBins.length > shown.length) nodes.push(el("p", {}, t("… {count} more", { count: dimBins.length - shown.length })));
          });
          return nodes;
        },
      });
    },

    unfold(root) {
      calculator(root, {
        id: "unfold",
        fields: [
          { name: "input_size", label: "Input size (H, W)", value: "4, 5", parse: ints() },
          { name: "channels", label: "Channels C", value: "3", parse: ints() },
          { name: "kernel_size", label: "kernel_size", value: "2", parse: ints() },
          { name: "dilation", label: "dilation", value: "1", parse: ints() },
          { name: "padding", label: "padding", value: "0", parse: ints() },
          { name: "stride", label: "stride", value: "1", parse: ints() },
        ],
        compute(v) {
          const size = Array.isArray(v.input_size) ? v.input_size : [v.input_size];
          const blocks = F.unfold_block_count({ input_size: size, kernel_size: v.kernel_size, dilation: v.dilation, padding: v.padding, stride: v.stride });
          checkPositiveInt("channels", v.channels);
          const k = perDim(v.kernel_size, 2);
          return [
            resultLine("Blocks L", el("strong", {}, fmtInt(blocks))),
            resultLine("Output shape", code(fmtShape(["N", v.channels * k[0] * k[1], blocks])), " = (N, C·" + k[0] + "·" + k[1] + ", L)"),
          ];
        },
      });
    },

    interpolate(root) {
      calculator(root, {
        id: "interpolate",
        fields: [
          { name: "input_size", label: "Input size", value: "5, 7", parse: ints(), hint: "spatial sizes (1 to 3)" },
          { name: "by", label: "Given", type: "select", options: [["scale", "scale_factor"], ["size", "size"]], value: "scale" },
          { name: "scale_factor", label: "scale_factor", value: "1.5", parse: parseNumbers, showIf: (v) => v.by === "scale" },
          { name: "size", label: "size", value: "10, 14", parse: ints(), showIf: (v) => v.by === "size" },
          { name: "mode", label: "mode", type: "select", options: Object.keys(INTERPOLATE_MODES).map((m) => [m, m]), value: "nearest" },
          { name: "recompute_scale_factor", label: "recompute_scale_factor", type: "select", options: [["None", "None"], ["False", "False"], ["True", "True"]], value: "None", showIf: (v) => v.by === "scale" },
        ],
        compute(v) {
          const size = Array.isArray(v.input_size) ? v.input_size : [v.input_size];
          const recompute = { None: null, False: false, True: true }[v.recompute_scale_factor || "None"];
          const out = F.interpolate_output_shape({
            input_size: size, size: v.by === "size" ? v.size : null,
            scale_factor: v.by === "scale" ? v.scale_factor : null, mode: v.mode,
            recompute_scale_factor: v.by === "scale" ? recompute : null,
          });
          const nodes = [resultLine("Output shape", code(fmtShape(["N", "C", ...out])))];
          if (v.by === "scale") {
            const scales = perDim(v.scale_factor, size.length);
            nodes.push(resultLine("Per dimension", steps(size.map((i, j) => "⌊" + i + " × " + scales[j] + "⌋ = " + out[j]))));
            const used = recompute || v.mode === "area"
              ? size.map((i, j) => out[j] + "/" + i).join(", ") + t(" (output / input: recomputed)")
              : scales.join(", ") + t(" (the scale_factor as given)");
            nodes.push(resultLine("Scale the kernel uses", used));
          }
          return nodes;
        },
      });
    },

    rnn(root) {
      calculator(root, {
        id: "rnn",
        fields: [
          { name: "mode", label: "Layer", type: "select", options: [["LSTM", "LSTM"], ["GRU", "GRU"], ["RNN", "RNN"]], value: "LSTM" },
          { name: "input_size", label: "input_size", value: "10", parse: ints() },
          { name: "hidden_size", label: "hidden_size", value: "20", parse: ints() },
          { name: "num_layers", label: "num_layers", value: "2", parse: ints() },
          { name: "proj_size", label: "proj_size", value: "0", parse: ints(), showIf: (v) => v.mode === "LSTM" },
          { name: "seq_len", label: "Sequence length L", value: "5", parse: ints() },
          { name: "batch", label: "Batch N", value: "3", parse: ints(), optional: true, hint: "empty: unbatched" },
          { name: "bias", label: "bias", type: "checkbox", value: true },
          { name: "bidirectional", label: "bidirectional", type: "checkbox", value: false },
          { name: "batch_first", label: "batch_first", type: "checkbox", value: false },
        ],
        compute(v) {
          const proj = v.mode === "LSTM" ? v.proj_size : 0;
          const cfg = { mode: v.mode, input_size: v.input_size, hidden_size: v.hidden_size, num_layers: v.num_layers, bidirectional: v.bidirectional, proj_size: proj };
          const params = F.rnn_params(Object.assign({ bias: v.bias }, cfg));
          checkPositiveInt("seq_len", v.seq_len);
          if (v.batch !== null) checkPositiveInt("batch", v.batch);
          const inputShape = v.batch === null ? [v.seq_len, v.input_size] : v.batch_first ? [v.batch, v.seq_len, v.input_size] : [v.seq_len, v.batch, v.input_size];
          const shapes = F.rnn_output_shapes(Object.assign({ input_shape: inputShape, batch_first: v.batch_first }, cfg));
          const nodes = [
            resultLine("Input", code(fmtShape(inputShape))),
            resultLine("output", code(fmtShape(shapes.output))),
            resultLine("h_n", code(fmtShape(shapes.h_n))),
          ];
          if (shapes.c_n) nodes.push(resultLine("c_n", code(fmtShape(shapes.c_n))));
          nodes.push(resultLine("Parameters", el("strong", {}, fmtInt(params))));
          const gates = GATES[v.mode] * v.hidden_size;
          const hOut = proj || v.hidden_size;
          const rows = [];
          const directions = v.bidirectional ? ["", "_reverse"] : [""];
          for (let layer = 0; layer < v.num_layers; layer++) {
            const inSize = layer === 0 ? v.input_size : hOut * directions.length;
            for (const suffix of directions) {
              const add = (n, shape) => rows.push([n + "_l" + layer + suffix, fmtShape(shape), fmtInt(product(shape))]);
              add("weight_ih", [gates, inSize]);
              add("weight_hh", [gates, hOut]);
              if (v.bias) {
                add("bias_ih", [gates]);
                add("bias_hh", [gates]);
              }
              if (proj) add("weight_hr", [proj, v.hidden_size]);
            }
          }
          nodes.push(table(["Parameter", "Shape", "Count"], rows));
          return nodes;
        },
      });
    },

    mha(root) {
      calculator(root, {
        id: "mha",
        fields: [
          { name: "embed_dim", label: "embed_dim", value: "16", parse: ints() },
          { name: "num_heads", label: "num_heads", value: "4", parse: ints() },
          { name: "kdim", label: "kdim", value: "", parse: ints(), optional: true, hint: "empty: embed_dim" },
          { name: "vdim", label: "vdim", value: "", parse: ints(), optional: true, hint: "empty: embed_dim" },
          { name: "bias", label: "bias", type: "checkbox", value: true },
          { name: "add_bias_kv", label: "add_bias_kv", type: "checkbox", value: false },
        ],
        compute(v) {
          const params = F.multihead_attention_params(v);
          const e = v.embed_dim;
          const k = v.kdim === null ? e : v.kdim;
          const val = v.vdim === null ? e : v.vdim;
          const rows = k === e && val === e
            ? [["in_proj_weight", fmtShape([3 * e, e])]]
            : [["q_proj_weight", fmtShape([e, e])], ["k_proj_weight", fmtShape([e, k])], ["v_proj_weight", fmtShape([e, val])]];
          if (v.bias) rows.push(["in_proj_bias", fmtShape([3 * e])]);
          rows.push(["out_proj.weight", fmtShape([e, e])]);
          if (v.bias) rows.push(["out_proj.bias", fmtShape([e])]);
          if (v.add_bias_kv) rows.push(["bias_k", fmtShape([1, 1, e])], ["bias_v", fmtShape([1, 1, e])]);
          return [
            resultLine("Parameters", el("strong", {}, fmtInt(params)), t(" (num_heads splits embed_dim: head size {size}; it adds no parameters)", { size: e / v.num_heads })),
            table(["Parameter", "Shape"], rows),
          ];
        },
      });
    },

    linear(root) {
      calculator(root, {
        id: "linear",
        fields: [
          { name: "kind", label: "Layer", type: "select", options: [["linear", "Linear"], ["bilinear", "Bilinear"], ["embedding", "Embedding"]], value: "linear" },
          { name: "in_features", label: "in_features", value: "3136", parse: ints(), showIf: (v) => v.kind === "linear" },
          { name: "in1_features", label: "in1_features", value: "3", parse: ints(), showIf: (v) => v.kind === "bilinear" },
          { name: "in2_features", label: "in2_features", value: "4", parse: ints(), showIf: (v) => v.kind === "bilinear" },
          { name: "out_features", label: "out_features", value: "10", parse: ints(), showIf: (v) => v.kind !== "embedding" },
          { name: "num_embeddings", label: "num_embeddings", value: "10000", parse: ints(), showIf: (v) => v.kind === "embedding" },
          { name: "embedding_dim", label: "embedding_dim", value: "300", parse: ints(), showIf: (v) => v.kind === "embedding" },
          { name: "bias", label: "bias", type: "checkbox", value: true, showIf: (v) => v.kind !== "embedding" },
        ],
        compute(v) {
          if (v.kind === "linear") {
            const n = F.linear_params({ in_features: v.in_features, out_features: v.out_features, bias: v.bias });
            return [resultLine("Parameters", el("strong", {}, fmtInt(n)), weightAndBias([v.out_features, v.in_features], v.bias ? [v.out_features] : null))];
          }
          if (v.kind === "bilinear") {
            const n = F.bilinear_params({ in1_features: v.in1_features, in2_features: v.in2_features, out_features: v.out_features, bias: v.bias });
            return [resultLine("Parameters", el("strong", {}, fmtInt(n)), weightAndBias([v.out_features, v.in1_features, v.in2_features], v.bias ? [v.out_features] : null))];
          }
          const n = F.embedding_params({ num_embeddings: v.num_embeddings, embedding_dim: v.embedding_dim });
          return [resultLine("Parameters", el("strong", {}, fmtInt(n)), weightAndBias([v.num_embeddings, v.embedding_dim], null))];
        },
      });
    },

    norm(root) {
      calculator(root, {
        id: "norm",
        fields: [
          { name: "kind", label: "Layer", type: "select", options: [["batch", "BatchNorm"], ["instance", "InstanceNorm"], ["layer", "LayerNorm"], ["group", "GroupNorm"], ["rms", "RMSNorm"]], value: "batch" },
          { name: "num_features", label: "num_features", value: "64", parse: ints(), showIf: (v) => v.kind === "batch" || v.kind === "instance" },
          { name: "normalized_shape", label: "normalized_shape", value: "512", parse: ints(), showIf: (v) => v.kind === "layer" || v.kind === "rms" },
          { name: "num_groups", label: "num_groups", value: "4", parse: ints(), showIf: (v) => v.kind === "group" },
          { name: "num_channels", label: "num_channels", value: "32", parse: ints(), showIf: (v) => v.kind === "group" },
          { name: "affine", label: "affine / elementwise_affine", type: "checkbox", value: true },
          { name: "bias", label: "bias", type: "checkbox", value: true, showIf: (v) => v.kind !== "rms" },
        ],
        compute(v) {
          let n;
          if (v.kind === "batch" || v.kind === "instance") {
            n = F[v.kind + "_norm_params"]({ num_features: v.num_features, affine: v.affine, bias: v.bias });
          } else if (v.kind === "layer") {
            n = F.layer_norm_params({ normalized_shape: v.normalized_shape, elementwise_affine: v.affine, bias: v.bias });
          } else if (v.kind === "rms") {
            n = F.rms_norm_params({ normalized_shape: v.normalized_shape, elementwise_affine: v.affine });
          } else {
            n = F.group_norm_params({ num_groups: v.num_groups, num_channels: v.num_channels, affine: v.affine, bias: v.bias });
          }
          const nodes = [resultLine("Parameters", el("strong", {}, fmtInt(n)))];
          if (v.kind === "batch" || v.kind === "instance") {
            nodes.push(el("p", {}, t("Buffers, not parameters: running_mean and running_var ({count} each, with track_running_stats), num_batches_tracked.", { count: v.num_features })));
          }
          if (v.kind === "instance") {
            nodes.push(el("p", {}, t("InstanceNorm's affine defaults to False: nn.InstanceNorm2d({count}) has no parameters unless affine=True.", { count: v.num_features })));
          }
          return nodes;
        },
      });
    },

    stack(root) {
      let current = null;
      calculator(root, {
        id: "stack",
        fields: [
          { name: "layers", label: "Layers, as in Python", type: "textarea", rows: 4, wide: true, value: "Conv2d(3, 16, 3, padding=1), ReLU(), MaxPool2d(2),\nConv2d(16, 32, 3, padding=1), ReLU(), MaxPool2d(2),\nFlatten(), Linear(?, 10)", hint: "? = the input size, filled in (in_features, in_channels, num_features, normalized_shape)" },
          { name: "input_shape", label: "Input shape (batch included)", value: "1, 3, 28, 28", parse: ints(), wide: true },
        ],
        errorField(error) {
          return error instanceof StackError ? "layers" : null;
        },
        compute(v) {
          const shape = Array.isArray(v.input_shape) ? v.input_shape : [v.input_shape];
          current = F.stack_summary({ layers: v.layers, input_shape: shape });
          return render(current.layers, null, current.total_params, shape);
        },
        partial(error) {
          if (!(error instanceof StackError) || error.index === null) return [];
          let shape;
          try {
            shape = parseInts(root.querySelector("input[name=input_shape]").value);
          } catch (_) {
            shape = [];
          }
          return render(error.rows, error, null, Array.isArray(shape) ? shape : [shape]);
        },
      });

      function render(rows, error, total, inputShape) {
        const body = [["", t("Input"), fmtShape(inputShape), ""]];
        rows.forEach((row, i) => body.push([String(i + 1), row.layer, fmtShape(row.output_shape), fmtInt(row.params)]));
        if (error) body.push([String(error.index + 1), error.layer, t("✗ refused"), ""]);
        const wrapper = table(["#", "Layer", "Output shape", "Param #"], body, (i) => (error && i === body.length - 1 ? "lr-calc__bad" : null));
        if (error) {
          const reason = el("td", { colspan: 4 }, localMessage(error.reason));
          wrapper.querySelector("tbody").append(el("tr", { class: "lr-calc__reason" }, reason));
        }
        const nodes = [wrapper];
        if (total !== null) {
          const out = rows.length ? rows[rows.length - 1].output_shape : inputShape;
          nodes.push(resultLine("Total parameters", el("strong", {}, fmtInt(total))));
          nodes.push(resultLine("Output shape", code(fmtShape(out))));
        }
        return nodes;
      }
    },
  };

  function init() {
    for (const root of document.querySelectorAll("[data-calc]")) {
      const build = builders[root.getAttribute("data-calc")];
      if (build && !root.classList.contains("lr-calc")) build(root);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
