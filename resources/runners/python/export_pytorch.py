#!/usr/bin/env python3
"""Exports a PyTorch model to ONNX with the user's own Python and torch, for EdgeBench Studio.

    python3 export_pytorch.py --probe
        prints one JSON object: this interpreter, its version, and torch's version (or why it is missing).
    python3 export_pytorch.py SOURCE --out model.onnx --io-dir DIR [--module NAME] [--input-shape 1,3,224,224 ...]
                              [--opset 13] [--seed 0]
        SOURCE is a TorchScript file (torch.jit.save: .pt/.pth with a TorchScript archive) or a Python
        file defining an nn.Module. From a Python file the model is, in this order: what a function
        `create_model()` returns, or the class named by --module, or the one nn.Module subclass the
        file defines, built with no arguments. Example inputs: --input-shape (one per input, float32
        in [0, 1) from --seed), else what a function `example_inputs()` in the file returns (a tensor
        or a tuple of tensors). A TorchScript file needs --input-shape: its inputs' sizes are not stored.

The model is exported in eval mode with torch.onnx.export (the TorchScript exporter every torch
since 1.2 has). The seeded inputs and torch's own outputs on them are saved in --io-dir as
input_K.npy and output_K.npy, so the studio can check the ONNX file against torch (the parity check).

stdout carries exactly one line, the result as JSON, last; the exporter's log (torch's warnings and
prints) goes to stderr. Exit 0 on success, 2 when the source or a flag is wrong, 1 when torch fails.
Python 3.6+, standard library plus torch and numpy (torch needs numpy for .numpy()).
"""
import argparse
import importlib.util
import inspect
import json
import os
import platform
import sys
import traceback
import warnings

RESULT_PREFIX = 'EDGEBENCH_EXPORT '


class BadSource(Exception):
    """The user's file or flags cannot give a model or its inputs: exit 2 with this sentence.
    `reason` and `facts` let the studio word the remedy in each front-end's words (a flag in the
    CLI, a field in the UI); the sentence is in the CLI's words."""

    def __init__(self, message, reason='source', **facts):
        Exception.__init__(self, message)
        self.reason = reason
        self.facts = facts


RESULT_STREAM = None  # the real stdout, set aside by main()


def emit(result):
    stream = RESULT_STREAM or sys.stdout
    stream.write(RESULT_PREFIX + json.dumps(result) + '\n')
    stream.flush()


def probe():
    info = {'python': sys.executable, 'pythonVersion': platform.python_version()}
    try:
        import torch  # noqa: F401 (imported to learn its version)
        info['torch'] = torch.__version__
    except Exception as error:  # ImportError, or a broken install raising anything else
        info['torch'] = None
        info['torchError'] = '%s: %s' % (type(error).__name__, error)
    try:
        import numpy
        info['numpy'] = numpy.__version__
    except Exception as error:
        info['numpy'] = None
        info['numpyError'] = '%s: %s' % (type(error).__name__, error)
    emit(info)


def parse_shape(text):
    try:
        dims = [int(part) for part in text.replace('x', ',').split(',') if part.strip() != '']
    except ValueError:
        raise BadSource("--input-shape '%s' is not a list of sizes; write it like 1,3,224,224" % text, 'bad-input-shape', shape=text)
    if not dims or any(d <= 0 for d in dims):
        raise BadSource("--input-shape '%s' needs positive sizes, like 1,3,224,224" % text, 'bad-input-shape', shape=text)
    return dims


def load_python_file(path, module_name):
    import torch
    spec = importlib.util.spec_from_file_location('edgebench_user_model', path)
    if spec is None or spec.loader is None:
        raise BadSource("'%s' is not a Python file Python can import" % path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))  # its own imports of sibling files work
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # the user's own code failed: its traceback goes to the log
        traceback.print_exc()
        raise BadSource("running '%s' failed (%s: %s); fix the file, or give its TorchScript export" % (
            os.path.basename(path), type(error).__name__, (str(error).splitlines() or [''])[0][:200]))
    example = getattr(module, 'example_inputs', None)
    factory = getattr(module, 'create_model', None)
    if callable(factory):
        return factory(), example, 'create_model()'
    classes = [value for name, value in vars(module).items()
               if inspect.isclass(value) and issubclass(value, torch.nn.Module) and value.__module__ == module.__name__]
    if module_name:
        chosen = [c for c in classes if c.__name__ == module_name]
        if not chosen:
            names = ', '.join(c.__name__ for c in classes) or 'none'
            raise BadSource("'%s' defines no nn.Module named %s (it defines: %s); pass one of those with --module" % (path, module_name, names),
                            'module-not-found', module=module_name, modules=[c.__name__ for c in classes])
        cls = chosen[0]
    elif len(classes) == 1:
        cls = classes[0]
    elif not classes:
        raise BadSource("'%s' defines no nn.Module subclass and no create_model() function; define one of them" % path)
    else:
        names = ', '.join(c.__name__ for c in classes)
        raise BadSource("'%s' defines several nn.Modules (%s); say which with --module, or add create_model()" % (path, names),
                        'several-modules', modules=[c.__name__ for c in classes])
    try:
        return cls(), example, '%s()' % cls.__name__
    except TypeError as error:
        raise BadSource("%s() cannot be built without arguments (%s); add a create_model() function that builds it" % (cls.__name__, error))


def example_tensors(args, example):
    import torch
    if args.input_shape:
        generator = torch.Generator().manual_seed(args.seed)
        return tuple(torch.rand(*parse_shape(s), generator=generator) for s in args.input_shape), 'given (--input-shape)'
    if callable(example):
        torch.manual_seed(args.seed)
        value = example()
        tensors = (value,) if isinstance(value, torch.Tensor) else tuple(value)
        if not tensors or not all(isinstance(t, torch.Tensor) for t in tensors):
            raise BadSource('example_inputs() must return a tensor or a tuple of tensors')
        return tensors, 'example_inputs() in the file'
    raise BadSource('the input sizes are not known: pass --input-shape (one per input, like 1,3,224,224) or define example_inputs() in the file',
                    'no-input-sizes')


def export(args):
    import numpy
    import torch
    source = os.path.abspath(args.source)
    if not os.path.isfile(source):
        raise BadSource("'%s' does not exist" % args.source)
    if source.endswith('.py'):
        model, example, built_by = load_python_file(source, args.module)
        kind = 'python'
    else:
        try:
            model = torch.jit.load(source, map_location='cpu')
        except Exception as error:
            hint = ' (a file saved with torch.save(model) is a pickle, not TorchScript: save it with torch.jit.save(torch.jit.script(model)) or give the .py file that defines the model)'
            raise BadSource("'%s' is not a TorchScript file torch %s can load: %s%s" % (args.source, torch.__version__, str(error).splitlines()[0][:200], hint))
        example, built_by, kind = None, 'torch.jit.load', 'torchscript'
    if not isinstance(model, torch.nn.Module):
        raise BadSource('%s gave a %s, not an nn.Module' % (built_by, type(model).__name__))
    model.eval()
    inputs, inputs_from = example_tensors(args, example)
    input_names = ['input_%d' % i for i in range(len(inputs))]
    with torch.no_grad():
        reference = model(*inputs)
    outputs = (reference,) if isinstance(reference, torch.Tensor) else tuple(reference)
    if not all(isinstance(t, torch.Tensor) for t in outputs):
        raise BadSource('the model returns %s; the studio exports models whose outputs are tensors (or a tuple of them)' % type(reference).__name__)
    output_names = ['output_%d' % i for i in range(len(outputs))]
    with warnings.catch_warnings():
        warnings.simplefilter('always')  # every exporter warning reaches the log, not only the first of each kind
        torch.onnx.export(model, inputs, args.out, opset_version=args.opset, input_names=input_names,
                          output_names=output_names, do_constant_folding=True)
    os.makedirs(args.io_dir, exist_ok=True)
    for i, tensor in enumerate(inputs):
        numpy.save(os.path.join(args.io_dir, 'input_%d.npy' % i), tensor.detach().cpu().numpy().astype(numpy.float32))
    for i, tensor in enumerate(outputs):
        numpy.save(os.path.join(args.io_dir, 'output_%d.npy' % i), tensor.detach().cpu().numpy().astype(numpy.float32))
    emit({
        'ok': True, 'kind': kind, 'builtBy': built_by, 'inputsFrom': inputs_from, 'opset': args.opset,
        'inputs': [{'name': n, 'shape': list(t.shape)} for n, t in zip(input_names, inputs)],
        'outputs': [{'name': n, 'shape': list(t.shape)} for n, t in zip(output_names, outputs)],
        'torch': torch.__version__, 'python': sys.executable, 'pythonVersion': platform.python_version(),
    })


def main():
    # stdout carries the result line only: whatever the user's file or torch prints goes to the log.
    global RESULT_STREAM
    RESULT_STREAM = os.fdopen(os.dup(1), 'w')
    os.dup2(2, 1)  # native code writing to fd 1 lands in the log too
    sys.stdout = sys.stderr
    if len(sys.argv) > 1 and sys.argv[1] == '--probe':
        probe()
        return 0
    parser = argparse.ArgumentParser(description='Export a PyTorch model to ONNX for EdgeBench Studio.')
    parser.add_argument('source')
    parser.add_argument('--out', required=True)
    parser.add_argument('--io-dir', required=True)
    parser.add_argument('--module')
    parser.add_argument('--input-shape', action='append')
    parser.add_argument('--opset', type=int, default=13)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    try:
        export(args)
        return 0
    except BadSource as error:
        emit({'ok': False, 'badInput': True, 'reason': error.reason, 'facts': error.facts, 'message': str(error)})
        return 2
    except Exception as error:  # torch's own failure: its traceback is the log the user needs
        traceback.print_exc()
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
        emit({'ok': False, 'badInput': False, 'message': '%s: %s' % (type(error).__name__, first)})
        return 1


if __name__ == '__main__':
    sys.exit(main())
