"""FAKE tflite_runtime for tests (see ../README.md)."""
__version__ = '2.14.0+fake'
