"""Input tensors: the same generated values as the Node runner (src/core/runner/input-data.ts), and
the base every runtime's model class builds on. numpy comes in as an argument (imported once a
model is loaded). Python 3.6+."""
from edgebench_protocol import Failure

RANDOM_INT_LIMIT = 10
FILLABLE = {'float32', 'float64', 'float16', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool'}


def fill_values(np, dtype, count, fill):
    if fill['kind'] == 'constant':
        value = fill['value']
        if dtype == 'bool':
            value = 1 if value != 0 else 0
        elif not dtype.startswith('float'):
            value = int(value)  # truncates toward zero, like the Node runner
        return np.full(count, value, dtype=dtype)
    # mulberry32, vectorised: the same values as seededRandom() in src/core/runner/input-data.ts.
    state = ((fill['seed'] & 0xffffffff) + np.arange(1, count + 1, dtype=np.uint64) * 0x6d2b79f5) & 0xffffffff
    t = state.astype(np.uint32)
    t = (t ^ (t >> np.uint32(15))) * (t | np.uint32(1))
    t ^= t + (t ^ (t >> np.uint32(7))) * (t | np.uint32(61))
    uniform = (t ^ (t >> np.uint32(14))).astype(np.float64) / 4294967296.0
    if dtype.startswith('float'):
        return uniform.astype(dtype)
    if dtype == 'bool':
        return uniform >= 0.5
    return np.floor(uniform * RANDOM_INT_LIMIT).astype(dtype)


class Model(object):
    """A loaded model with its inputs built; subclasses set the arrays into their runtime.

    Subclasses set initMs, backend (a short label of what runs it) and accelerator (what was asked
    for and what really ran; see RunAccelerator in src/shared/runtimes.ts), or leave it None."""

    accelerator = None

    def __init__(self, np, specs, requests):
        """specs: (name, dtype, declaredShape) per model input, in the model's order."""
        self.np = np
        requested = dict((r['name'], r) for r in requests)
        self.inputs = []
        for index, (name, dtype, declared) in enumerate(specs):
            req = requested.get(name)
            shape = req['shape'] if req and req['shape'] is not None else [d if isinstance(d, int) else 1 for d in declared]
            if dtype not in FILLABLE:
                raise Failure('UNSUPPORTED_INPUT', "Input '%s' has element type '%s', which the benchmark cannot fill with generated data yet." % (name, dtype))
            # Seeds differ per input so two inputs of the same shape do not get the same data.
            fill = req['fill'] if req else {'kind': 'random', 'seed': index + 1}
            self.inputs.append({'name': name, 'dtype': dtype, 'shape': shape, 'fill': fill, 'declaredShape': declared})
        self.arrays = [self.make_array(i, i['fill']) for i in self.inputs]

    def make_array(self, spec, fill):
        count = 1
        for d in spec['shape']:
            count *= d
        return fill_values(self.np, spec['dtype'], count, fill).reshape(spec['shape'])

    def refresh(self, seed):
        for index, spec in enumerate(self.inputs):
            if spec['fill']['kind'] == 'random':  # inputs given a constant keep it
                mixed = ((seed * 0x9e3779b1) ^ ((index + 1) * 0x85ebca6b)) & 0xffffffff
                self.arrays[index] = self.make_array(spec, {'kind': 'random', 'seed': mixed})
        self.set_inputs()

    def set_inputs(self):
        pass

    def release(self):
        pass


def accelerator(requested, used, unavailable=None, ops=None):
    """The loaded reply's accelerator record: what was asked, what ran, what could not be had and where ops went."""
    record = {'requested': list(requested), 'used': list(used), 'unavailable': list(unavailable or [])}
    if ops is not None:
        record['ops'] = ops
    return record
