"""Conformance cases ported from google/tangent's test suite.

Input: nothing. Output: `CASES`, a list of `Case` records.

The functions are written afresh from what `tests/functions.py` exercises
(and `test_hessian_vector_products.py`), at the points its `conftest.py`
draws: scalars `a`, `b`, `c` in [-2, 2], integers `n` in {1, 2, 3}, vectors `x`
of length 3, 5 or 10. Functions with branches are taken at several points so
that each branch runs. The TensorFlow Eager functions (`tfe_*`) are ported to
their NumPy equivalents, at tangent's shapes (vectors, 2x2/3x3 matrices,
images shaped (2, 3, 3, 3)).

Skipped, tangent-specific API with no plain-Python counterpart:
`inlining_contextmanager` (`tangent.insert_grad_of` changes the gradient
itself; no plain function has that derivative) and `_trace_mul`/`tfe_trace_fn`
under `tangent.trace` (tracing; ported below without the tracing: s2sad drops its `del`).
`tangent.Stack`/`push`/`pop` map to a plain list's `append`/`pop` and are kept.
"""
from __future__ import annotations

import numpy as np

from conformance.case import Case

SUITE = "tangent/functions.py"
SUITE_HVP = "tangent/test_hessian_vector_products.py"

_rng = np.random.default_rng(20)
X3 = _rng.standard_normal(3)
X5 = _rng.standard_normal(5)
X10 = _rng.standard_normal(10)
SQM = _rng.standard_normal((3, 3)) + 2.0 * np.eye(3)


# ---------------------------------------------------------------- arithmetic


def id_(a):
    return a


def unary_sub(a):
    return -a


def sum_(x):
    return np.sum(x)


def cast_sum_(x):
    return np.sum(np.array(x))


def overwrite_call(x):
    x = np.sum(x)
    x = x * x
    return x


def tanh(a):
    return np.tanh(a)


def identity_assign(a):
    b = a
    return b


def increment(a):
    return a + 1


def saxpy(a, b, c):
    return a * b + c


def mul(a, b):
    return a * b


def add(a, b):
    return a + b


def saxpy_call(a, b, c):
    return add(mul(a, b), c)


def saxpy_anf(a, b, c):
    t1 = a * b
    t2 = t1 + c
    return t2


def saxpy_overwrite(a, b, c):
    t = a * b
    t = t + c
    return t


def gradname_aliasing(a):
    da = a * a
    return da


def overwrite_if(a):
    if a > 0:
        a = a * 3.0
    else:
        a = a * 2.0
    return a


def binop_mul1(a):
    return a * 3.0


def binop_mul2(a):
    return 3.0 * a


def binop_mul3(a):
    return a * a


def binop_div1(a):
    return a / 3.0


def binop_div2(a):
    return 3.0 / a


def binop_div3(a):
    return a / a


def binop_sub1(a):
    return a - 3.0


def binop_sub2(a):
    return 3.0 - a


def binop_sub3(a):
    return a - a


def binop_add1(a):
    return a + 3.0


def binop_add2(a):
    return 3.0 + a


def binop_add3(a):
    return a + a


def nested_if(a):
    if a > 0:
        if a < 10:
            a = a * a
    else:
        a = 3.0 * a
    return a


def multiarg_if(a):
    if a * a / 3.0 > 0:
        b = 3.0
    else:
        b = 4.0
    a = a * b
    if a < b - a * b:
        a = a * a
    elif a > b + 3.0 * a:
        if a / 2.0 < 0:
            a = a / b
        else:
            a = a * b
    else:
        a = -a
    return a


def fn_multiply(a):
    return np.multiply(a, 3.0)


def fn_multiple_return(a):
    return 2 * a, a


def anf_list(a):
    b = [1, a * a, 2]
    return np.sum(b)


def deep_anf_list(x):
    b = [1, x[0] * x[1] * x[2], 3]
    return np.sum(b)


def subscript1(x):
    a = x[0]
    b = x[1]
    return a * b


def subscript2(x):
    a = x[0]
    b = x[1]
    x[0] = a * b
    return np.sum(x)


def subscript2_copy(x):
    # subscript2 on a copy: the store is into an array the function made
    x = np.array(x)
    a = x[0]
    b = x[1]
    x[0] = a * b
    return np.sum(x)


def subscript3(x):
    y = x ** 2.0
    x[0] = y[1] * y[2]
    return np.sum(x * y)


def subscript3_copy(x):
    x = x.copy()
    y = x ** 2.0
    x[0] = y[1] * y[2]
    return np.sum(x * y)


def list_and_subscript(a):
    x = [1.0, a, 3.0]
    return x[0] * x[1]


def implicit_indexing(x):
    res = 0.0
    for a in x:
        res += a
    return res


def implicit_indexing_enumerate(x):
    # variant of implicit_indexing: iterate with enumerate
    res = 0.0
    for i, a in enumerate(x):
        res += i * a * a
    return res


def implicit_indexing_zip(x):
    res = 0.0
    for a, b in zip(x, x[::-1]):
        res += a * b
    return res


def implicit_indexing_enumerate_zip(x):
    res = 0.0
    for i, (a, b) in enumerate(zip(x, x[::-1])):
        res += i * a * b
    return res


def serial_if(a):
    if a > 0:
        a = a * a
    a = a + a
    if a < 0:
        a = 3.0 * a
    return a


def multivar_if(a, b):
    if a > b:
        a = a * a
    else:
        a = a * b
    return a


def serial_for(a, n):
    for i in range(n):
        a = a * a
    a = 2.0 * a
    for i in range(n + 1):
        a = a * 3.0
    return a


def serial_ifthenfor(a, n):
    if a > 0:
        a = a * a
    a = 2.0 * a
    for i in range(n):
        a = a * a
    return a


def serial_forthenif(a, n):
    for i in range(n):
        a = a * a
    a = 2.0 * a
    if a > 0:
        a = a * a
    return a


def devilish_nested_if(a):
    if a > 0:
        a = a * 3.0
        if a < 10:
            a = a * a
        else:
            a = a * 2.0
    return a


def overwrite_ifelse(a):
    if a > 0:
        a = a * 3.0
    elif 0 > a:
        a = a * 2.0
    else:
        a = 1.0 * a
    return a


def overwrite_arg(a):
    a = a * 3.0
    return a


def overwrite_non_arg(a):
    b = a
    b = b * 3.0
    return b


def third_pow(a):
    return a * a * a


def direct_third_pow(a):
    return a ** 3


def iter_third_pow1(a):
    out = 1
    for i in range(3):
        out = out * a
    return out


def iter_third_pow2(a):
    out = a
    for i in range(3 - 1):
        out = out * a
    return out


def iterpower_static(a):
    for i in range(3):
        a = a * a
    return a


def iterpower(a, n):
    for i in range(n):
        a = a * a
    return a


def cond_iterpower1(a):
    for i in range(3):
        if a < 20:
            a = a * a
    return a


def cond_iterpower2(a):
    if a < 20:
        for i in range(3):
            a = a * a
    return a


def superfor_iterpower(a):
    for i in range(2):
        for j in range(3):
            a = a * a
    return a


def super_iterpower(a):
    for i in range(3):
        a = a * a * a
    return a


# ---------------------------------------------------------------- numpy


def numpy_sum(x):
    return np.sum(x)


def numpy_mean(x):
    return np.mean(x)


def numpy_exp(a):
    return np.exp(a)


def numpy_exp2(a):
    return np.exp(np.exp(a))


def numpy_sqrt(a):
    if a >= 0:
        r = np.sqrt(a)
    else:
        r = np.sqrt(-a)
    return r


def numpy_cos(a):
    return np.cos(a)


def numpy_sin(a):
    return np.sin(a)


def numpy_tan(a):
    return np.tan(a)


def numpy_cosh(a):
    return np.cosh(a)


def numpy_sinh(a):
    return np.sinh(a)


def numpy_tanh(a):
    return np.tanh(a)


def numpy_arccos(a):
    return np.arccos(a)


def numpy_arcsin(a):
    return np.arcsin(a)


def numpy_arctan(a):
    return np.arctan(a)


def numpy_atleast_1d(x):
    return np.sum(np.atleast_1d(x))


def numpy_atleast_2d(x):
    return np.sum(np.atleast_2d(x))


def numpy_atleast_3d(x):
    return np.sum(np.atleast_3d(x))


def logistic_regression(input, label, W, b):
    h1 = np.dot(input, W) + b
    prediction = 0.5 * (np.tanh(h1) + 1)
    label_probabilities = prediction * label + (1 - prediction) * (1 - label)
    loss = -np.sum(np.log(label_probabilities))
    return loss


def det(sqm):
    return np.linalg.det(sqm)


# ---------------------------------------------------------------- TFE, ported to NumPy


def tfe_negative(t):
    return np.negative(t)


def tfe_exp(t):
    return np.exp(t)


def tfe_log(t):
    return np.log(t)


def tfe_tanh(t):
    return np.tanh(t)


def tfe_cosh(t):
    return np.cosh(t)


def tfe_sinh(t):
    return np.sinh(t)


def tfe_rsqrt(t):
    return 1.0 / np.sqrt(t)


def tfe_expand_dims_before(t):
    return np.expand_dims(t, 0)


def tfe_expand_dims_after(t):
    return np.expand_dims(t, 1)


def tfe_squeeze_before(t):
    return np.squeeze(np.expand_dims(t, 0), 0)


def tfe_squeeze_after(t):
    return np.squeeze(np.expand_dims(t, 1), 1)


def tfe_reshape_flat(t):
    return np.reshape(t, (-1,))


def tfe_reshape_noop(t):
    return np.reshape(np.reshape(t, (-1,)), np.shape(t))


def tfe_reduce_sum(timage, boolean):
    return np.sum(timage, None, keepdims=boolean)


def tfe_reduce_sum_axis(timage, boolean):
    return np.sum(timage, axis=(0, 1, 2), keepdims=boolean)


def tfe_reduce_mean(timage, boolean):
    return np.mean(timage, None, keepdims=boolean)


def tfe_reduce_mean_axis(timage, boolean):
    return np.mean(timage, axis=(0, 1, 2), keepdims=boolean)


def tfe_reduce_max(timage, boolean):
    return np.max(timage, None, keepdims=boolean)


def tfe_reduce_max_axis(timage, boolean):
    return np.max(timage, axis=(0, 1, 2), keepdims=boolean)


def tfe_add(t1, t2):
    return np.add(t1, t2)


def tfe_add_bcast(s, t):
    return np.add(s, t)


def tfe_subtract(t1, t2):
    return np.subtract(t1, t2)


def tfe_multiply(t1, t2):
    return np.multiply(t1, t2)


def tfe_divide(t1, t2):
    return np.divide(t1, t2)


def tfe_maximum(t1, t2):
    return np.maximum(t1, t2)


def tfe_squared_difference(t1, t2):
    return np.square(t1 - t2)


def tfe_matmul(mat1, mat2, boolean1, boolean2):
    if boolean1:
        mat1 = np.swapaxes(mat1, -1, -2)
    if boolean2:
        mat2 = np.swapaxes(mat2, -1, -2)
    return np.matmul(mat1, mat2)


def tfe_matmul_highdim(timage1, timage2, boolean1, boolean2):
    a = np.swapaxes(timage1, -1, -2) if boolean1 else timage1
    b = np.swapaxes(timage2, -1, -2) if boolean2 else timage2
    return np.matmul(a, b)


def tfe_conv2d(timage, tkernel, stride):
    # tf.nn.conv2d(timage, tkernel, (1, s, s, 1), 'SAME') on NHWC images, HWIO kernels
    kh = tkernel.shape[0]
    kw = tkernel.shape[1]
    h = timage.shape[1]
    w = timage.shape[2]
    oh = (h + stride - 1) // stride
    ow = (w + stride - 1) // stride
    ph = max((oh - 1) * stride + kh - h, 0)
    pw = max((ow - 1) * stride + kw - w, 0)
    xp = np.pad(timage, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    out = np.zeros((timage.shape[0], oh, ow, tkernel.shape[3]))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, i:i + (oh - 1) * stride + 1:stride, j:j + (ow - 1) * stride + 1:stride, :]
            out = out + np.tensordot(patch, tkernel[i, j], axes=1)
    return out


def tfe_max_pool(timage, size, stride):
    # tf.nn.max_pool(timage, (1, k, k, 1), (1, s, s, 1), 'SAME')
    h = timage.shape[1]
    w = timage.shape[2]
    oh = (h + stride - 1) // stride
    ow = (w + stride - 1) // stride
    ph = max((oh - 1) * stride + size - h, 0)
    pw = max((ow - 1) * stride + size - w, 0)
    xp = np.pad(timage, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)), constant_values=-1e30)
    out = xp[:, 0:(oh - 1) * stride + 1:stride, 0:(ow - 1) * stride + 1:stride, :]
    for i in range(size):
        for j in range(size):
            out = np.maximum(out, xp[:, i:i + (oh - 1) * stride + 1:stride, j:j + (ow - 1) * stride + 1:stride, :])
    return out


def tfe_avg_pool(timage, size, stride):
    # tf.nn.avg_pool(timage, (1, k, k, 1), (1, s, s, 1), 'SAME'): padding is left out of each mean
    h = timage.shape[1]
    w = timage.shape[2]
    oh = (h + stride - 1) // stride
    ow = (w + stride - 1) // stride
    ph = max((oh - 1) * stride + size - h, 0)
    pw = max((ow - 1) * stride + size - w, 0)
    pads = ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0))
    xp = np.pad(timage, pads)
    ones = np.pad(np.ones(timage.shape), pads)
    total = np.zeros((timage.shape[0], oh, ow, timage.shape[3]))
    count = np.zeros((timage.shape[0], oh, ow, timage.shape[3]))
    for i in range(size):
        for j in range(size):
            total = total + xp[:, i:i + (oh - 1) * stride + 1:stride, j:j + (ow - 1) * stride + 1:stride, :]
            count = count + ones[:, i:i + (oh - 1) * stride + 1:stride, j:j + (ow - 1) * stride + 1:stride, :]
    return total / count


def _trace_mul(a, b):
    out = np.multiply(a, b)
    c = 3
    del c  # tangent hides this from its parser by tracing; s2sad drops it (c is not read again)
    return out


def tfe_trace_fn(t):
    out = _trace_mul(t, t)
    return np.sum(out)


def _nontrace_mul(a, b):
    out = np.multiply(a, b)
    return out


def tfe_notrace_fn(t):
    out = _nontrace_mul(t, t)
    return np.sum(out)


# ---------------------------------------------------------------- calls


def _inner_fn(a, b):
    return a * b


def mul_with_call(a, b):
    return _inner_fn(a, b)


def if_mul_with_call(a, b):
    if a > b:
        o = _inner_fn(a, b)
    else:
        o = _inner_fn(b, a)
    return o


def iterpower_with_call(a, n):
    for i in range(n):
        a = _inner_fn(a, a)
    return a


def nested_call(a, b):
    return mul_with_call(a, b)


def iterpower_with_nested_def(a, n):
    def _fn(a, n):
        return a * n

    for i in range(n):
        a = _fn(a, a)
    return a


# ---------------------------------------------------------------- subscripts, tuples, dicts


def unpacking_args_saxpy(abc_packed_in_tuple):
    a, b, c = abc_packed_in_tuple
    return a * b + c


def dict_saxpy(val):
    return val['a'] * val['b'] + val['c']


def dict_wrapper(abc_packed_in_tuple):
    a, b, c = abc_packed_in_tuple
    return dict_saxpy(dict(a=a, b=b, c=c))


def passthru_pack(a, b, c, i):
    x = a, b, c
    return x[i]


def passthru_unpack(abc_packed_in_tuple):
    a, b, c = abc_packed_in_tuple
    return a


def nested_dict(p):
    return p['i']['j'] * p['i']['k']


# ---------------------------------------------------------------- misc


def cart2polar(a, b):
    r = np.sqrt(a ** 2.0 + b ** 2.0)
    theta = np.arctan2(b, a)  # tangent writes np.arctan(b, a), noting it should be arctan2
    return r, theta


def listcomp(a):
    return np.sum([i * 3 for i in a])


def listcomp_loop(a):
    # listcomp without the comprehension: a list built by append
    out = []
    for i in a:
        out.append(i * 3)
    return np.sum(out)


def while_big(a):
    while np.abs(a) > 0.1:
        a = a * 0.5
    return a


def active_subscript(x):
    y = np.zeros_like(x)
    for i in range(len(x)):
        y[i] = x[i]
    return np.sum(y)


def init_array_grad_maybe_active(x):
    h = np.zeros((len(x), 3))
    for t in range(len(h)):
        h[t] = x[t]
    return np.sum(h)


def slicing(x):
    return np.sum(x[1:])


def rnn(inputs, W):
    h = np.zeros((4, 3))
    for t in range(3):
        h[t + 1] = np.dot(inputs[t], W) + h[t]
    return np.sum(h[1:])


def augassign(a):
    x = a * a
    x *= x
    return x


def bilinear(x, h, U, W, b):
    y = np.dot(x, W)
    y = y + np.dot(h, U)
    y = y + b
    y = np.tanh(y)
    return np.sum(y)


def stack_pushing(a):
    stack = []
    y = a * a
    stack.append(a)
    aa = stack.pop()
    z = y * aa
    z = z * aa
    return z


def gradgrad_pow(a, b):
    if a >= 0:
        a = a ** b
    else:
        a = (-a) ** b
    return a


def gradgrad_pow_twice(a):
    a = a * a
    y = a * a
    return y


def gradgrad_chain_of_mults(a):
    b = a  # forces overwrite protection in tangent
    b = a * a
    c = b * b
    d = c * c
    return d


def gradgrad_chain_of_multcalls(a):
    b = mul(a, a)
    c = mul(b, b)
    d = mul(c, c)
    return d


def useless_stack_ops(a):
    _stack = []
    b = a * a
    _stack.append(b)
    b = _stack.pop()
    return a


def redefining_var_as_list(a):
    _stack = []
    x = a
    _stack.append(x)
    x = [a]
    x = _stack.pop()
    return a


def extended_slice(x):
    return np.sum(x[::2, np.newaxis])


# ---------------------------------------------------------------- test_hessian_vector_products.py


def f_straightline(x):
    a = x * x * x
    b = a * x ** 2.0
    return np.sum(b)


def cube(a):
    b = a * a * a
    return b


def f_calltree(x):
    a = cube(x)
    b = a * x ** 2.0
    return np.sum(b)


# ---------------------------------------------------------------- the cases

SCALARS = (-1.5, 0.5, 2.0)  # from tangent's [-2, 2]; one negative, one small, one large
NONZERO = (-1.5, 0.5, 2.0)


def _c(fn, args, name=None, suite=SUITE, **kw):
    return Case(suite=suite, name=name or fn.__name__, fn=fn, args=tuple(args), **kw)


def _unary(fn, points=SCALARS, **kw):
    return [_c(fn, (a,), f"{fn.__name__}[a={a}]", **kw) for a in points]


CASES: list[Case] = []

# unary scalar functions, each at three points (branches differ by sign and size)
for _f in (id_, unary_sub, tanh, identity_assign, increment, gradname_aliasing, overwrite_if,
           binop_mul1, binop_mul2, binop_mul3, binop_div1, binop_div2, binop_div3, binop_sub1,
           binop_sub2, binop_sub3, binop_add1, binop_add2, binop_add3, nested_if, multiarg_if,
           fn_multiply, anf_list, list_and_subscript, serial_if, devilish_nested_if,
           overwrite_ifelse, overwrite_arg, overwrite_non_arg, third_pow, direct_third_pow,
           iter_third_pow1, iter_third_pow2, iterpower_static, cond_iterpower1, cond_iterpower2,
           superfor_iterpower, super_iterpower, numpy_exp, numpy_exp2, numpy_sqrt, numpy_cos,
           numpy_sin, numpy_tan, numpy_cosh, numpy_sinh, numpy_tanh, while_big, augassign,
           stack_pushing, gradgrad_pow_twice, gradgrad_chain_of_mults, gradgrad_chain_of_multcalls,
           useless_stack_ops, redefining_var_as_list):
    CASES += _unary(_f)

# extra points where a branch changes: nested_if beyond 10, devilish_nested_if with 3a >= 10,
# multiarg_if in its other arms, cond_iterpower1 above 20, while_big without an iteration
CASES += [
    _c(nested_if, (12.0,), "nested_if[a=12.0]"),
    _c(devilish_nested_if, (4.0,), "devilish_nested_if[a=4.0]"),
    _c(multiarg_if, (-0.1,), "multiarg_if[a=-0.1]"),
    _c(multiarg_if, (0.1,), "multiarg_if[a=0.1]"),
    _c(multiarg_if, (-2.0,), "multiarg_if[a=-2.0]"),
    _c(cond_iterpower1, (25.0,), "cond_iterpower1[a=25.0]"),
    _c(cond_iterpower2, (25.0,), "cond_iterpower2[a=25.0]"),
    _c(while_big, (0.05,), "while_big[a=0.05]"),
    _c(serial_if, (-0.5,), "serial_if[a=-0.5]"),
    _c(overwrite_ifelse, (0.0,), "overwrite_ifelse[a=0.0]"),
]
# inverse trig: inside (-1, 1)
CASES += _unary(numpy_arccos, (-0.5, 0.1, 0.5)) + _unary(numpy_arcsin, (-0.5, 0.1, 0.5))
CASES += _unary(numpy_arctan)
# tuple outputs: no "second" (number outputs only)
CASES += _unary(fn_multiple_return, modes=("reverse", "forward"))
CASES += [_c(cart2polar, (a, b), f"cart2polar[a={a},b={b}]", modes=("reverse", "forward"))
          for a, b in ((1.5, -0.5), (-1.0, 2.0))]

# binary and ternary scalar functions
for _a, _b in ((-1.5, 0.5), (2.0, -1.0), (0.5, 1.5)):
    for _f in (mul, add, multivar_if, mul_with_call, if_mul_with_call, nested_call):
        CASES.append(_c(_f, (_a, _b), f"{_f.__name__}[a={_a},b={_b}]"))
for _a, _b in ((1.5, 2.0), (-0.5, 3.0), (2.0, 0.5)):
    CASES.append(_c(gradgrad_pow, (_a, _b), f"gradgrad_pow[a={_a},b={_b}]"))
for _a, _b, _c_ in ((-1.5, 0.5, 2.0), (1.0, -2.0, 0.1)):
    for _f in (saxpy, saxpy_call, saxpy_anf, saxpy_overwrite):
        CASES.append(_c(_f, (_a, _b, _c_), f"{_f.__name__}[a={_a},b={_b},c={_c_}]"))
    for _i in range(3):
        CASES.append(_c(passthru_pack, (_a, _b, _c_, _i), f"passthru_pack[a={_a},i={_i}]"))

# scalar and integer
for _n in (1, 2, 3):
    for _f in (serial_for, serial_ifthenfor, serial_forthenif, iterpower, iterpower_with_call):
        for _a in (-0.5, 1.5):
            CASES.append(_c(_f, (_a, _n), f"{_f.__name__}[a={_a},n={_n}]"))
CASES.append(_c(iterpower_with_nested_def, (1.5, 2), "iterpower_with_nested_def",
                refusal="nested function definition"))

# vectors
for _x, _tag in ((X3, "x3"), (X5, "x5"), (X10, "x10")):
    for _f in (sum_, cast_sum_, overwrite_call, numpy_sum, numpy_mean, numpy_atleast_1d,
               numpy_atleast_2d, numpy_atleast_3d, subscript1, deep_anf_list, implicit_indexing,
               active_subscript, init_array_grad_maybe_active, slicing, extended_slice,
               subscript2_copy, subscript3_copy, listcomp_loop, implicit_indexing_enumerate,
               implicit_indexing_zip, implicit_indexing_enumerate_zip):
        CASES.append(_c(_f, (_x.copy(),), f"{_f.__name__}[{_tag}]"))
CASES += [
    _c(subscript2, (X3.copy(),), "subscript2[x3]",
       refusal="would change an array the caller passed in"),
    _c(subscript3, (X3.copy(),), "subscript3[x3]",
       refusal="would change an array the caller passed in"),
    _c(listcomp, (X3.copy(),), "listcomp[x3]",
       refusal="list comprehension is not supported"),
    _c(det, (SQM.copy(),), "det[sqm3]"),
    _c(det, (_rng.standard_normal((5, 5)),), "det[sqm5]"),
]

# tuples and dicts
CASES += [
    _c(unpacking_args_saxpy, ((1.5, -0.5, 2.0),), "unpacking_args_saxpy", wrt=("abc_packed_in_tuple",),
       extra={"note": "a tuple of floats as the argument (tangent's own input)"}),
    _c(passthru_unpack, ((1.5, -0.5, 2.0),), "passthru_unpack", wrt=("abc_packed_in_tuple",),
       extra={"note": "a tuple of floats as the argument (tangent's own input)"}),
    _c(unpacking_args_saxpy, (np.array([1.5, -0.5, 2.0]),), "unpacking_args_saxpy[array]"),
    _c(passthru_unpack, (np.array([1.5, -0.5, 2.0]),), "passthru_unpack[array]"),
    # dicts of floats as arguments (tangent's test_dict_saxpy, test_nested_dict); the gradient is a dict
    _c(dict_saxpy, ({"a": 1.5, "b": -0.5, "c": 2.0},), "dict_saxpy", wrt=("val",)),
    _c(nested_dict, ({"i": {"j": 3.0, "k": 4.0}},), "nested_dict", wrt=("p",)),
    _c(dict_wrapper, ((1.5, -0.5, 2.0),), "dict_wrapper", wrt=("abc_packed_in_tuple",)),
]

# logistic regression, rnn, bilinear (test_reverse_mode.py's own tests)
_W = _rng.standard_normal((3, 5))
_b = _rng.standard_normal(5)
_inp = _rng.random(3)
_label = np.zeros(5)
_label[1] = 1
CASES.append(_c(logistic_regression, (_inp, _label, _W, _b), "logistic_regression", wrt=("W", "b")))
CASES.append(_c(logistic_regression, (_inp, _label, _W, _b), "logistic_regression[all]"))
CASES.append(_c(rnn, (_rng.standard_normal((3, 2)), _rng.standard_normal((2, 3))), "rnn"))
_D = 3
_bl = tuple(_rng.standard_normal(s) for s in ((1, _D), (1, _D), (_D, _D), (_D, _D), (1, _D)))
CASES.append(_c(bilinear, _bl, "bilinear", wrt=("x",)))
CASES.append(_c(bilinear, _bl, "bilinear[all]"))

# TFE functions in NumPy
_T = tuple(_rng.standard_normal(n) for n in (3, 5, 10))
_IMG = _rng.standard_normal((2, 3, 3, 3))
for _t, _tag in zip(_T, ("t3", "t5", "t10")):
    for _f in (tfe_negative, tfe_exp, tfe_tanh, tfe_cosh, tfe_sinh, tfe_expand_dims_before,
               tfe_expand_dims_after, tfe_squeeze_before, tfe_squeeze_after, tfe_reshape_flat,
               tfe_reshape_noop, tfe_notrace_fn):
        CASES.append(_c(_f, (_t.copy(),), f"{_f.__name__}[{_tag}]"))
    for _f in (tfe_log, tfe_rsqrt):
        CASES.append(_c(_f, (np.abs(_t) + 0.5,), f"{_f.__name__}[{_tag}]"))
    _t2 = _rng.standard_normal(_t.shape)
    for _f in (tfe_add, tfe_subtract, tfe_multiply, tfe_maximum, tfe_squared_difference):
        CASES.append(_c(_f, (_t.copy(), _t2), f"{_f.__name__}[{_tag}]"))
    CASES.append(_c(tfe_divide, (_t.copy(), np.abs(_t2) + 0.5), f"tfe_divide[{_tag}]"))
    for _s in (0.0, 1.0, 2.0):
        CASES.append(_c(tfe_add_bcast, (_s, _t.copy()), f"tfe_add_bcast[s={_s},{_tag}]"))
for _kd in (True, False):
    for _f in (tfe_reduce_sum, tfe_reduce_sum_axis, tfe_reduce_mean, tfe_reduce_mean_axis,
               tfe_reduce_max, tfe_reduce_max_axis):
        CASES.append(_c(_f, (_IMG.copy(), _kd), f"{_f.__name__}[keepdims={_kd}]", wrt=("timage",)))
for _n in (1, 3):
    _m1 = _rng.standard_normal((_n, _n))
    _m2 = _rng.standard_normal((_n, _n))
    for _b1 in (True, False):
        for _b2 in (True, False):
            CASES.append(_c(tfe_matmul, (_m1, _m2, _b1, _b2), f"tfe_matmul[{_n}x{_n},{_b1},{_b2}]",
                            wrt=("mat1", "mat2")))
_IMG2 = _rng.standard_normal((2, 3, 3, 3))
for _b1 in (True, False):
    for _b2 in (True, False):
        CASES.append(_c(tfe_matmul_highdim, (_IMG.copy(), _IMG2, _b1, _b2),
                        f"tfe_matmul_highdim[{_b1},{_b2}]", wrt=("timage1", "timage2")))
for _ks, _st in (((3, 3, 3, 1), 1), ((3, 3, 3, 2), 2), ((2, 2, 3, 2), 1)):
    CASES.append(_c(tfe_conv2d, (_IMG.copy(), _rng.standard_normal(_ks), _st),
                    f"tfe_conv2d[k={_ks},s={_st}]", wrt=("timage", "tkernel")))
for _size, _st in ((1, 1), (2, 2), (3, 1)):
    CASES.append(_c(tfe_max_pool, (_IMG.copy(), _size, _st), f"tfe_max_pool[k={_size},s={_st}]"))
    CASES.append(_c(tfe_avg_pool, (_IMG.copy(), _size, _st), f"tfe_avg_pool[k={_size},s={_st}]"))
CASES.append(_c(tfe_trace_fn, (_T[0].copy(),), "tfe_trace_fn"))

# test_hessian_vector_products.py: Hessian-vector products of a 300-vector (float64 here)
_A300 = np.random.default_rng(0).normal(scale=1, size=(300,))
CASES += [
    _c(f_straightline, (_A300.copy(),), "hvp_straightline", suite=SUITE_HVP),
    _c(f_calltree, (_A300.copy(),), "hvp_calltree", suite=SUITE_HVP),
    _c(f_straightline, (X5.copy(),), "hvp_straightline[x5]", suite=SUITE_HVP),
    _c(f_calltree, (X5.copy(),), "hvp_calltree[x5]", suite=SUITE_HVP),
]
