"""What tests, benchmarks and the grading demo share: paths, local servers, a simulated
student, the keys the test banks compute. Fixtures and hooks stay in tests/conftest.py.

Imported as ``tests.helpers.<module>``: pytest puts the repository root on ``sys.path``
(``pythonpath`` in pyproject.toml); scripts and benchmarks insert it themselves.
"""
