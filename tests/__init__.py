import pytest

# tests.scaleout_fixtures is a plugin (conftest's pytest_plugins) and imported by conftest too:
# registered before either import so its asserts are rewritten like a test module's.
pytest.register_assert_rewrite("tests.scaleout_fixtures")
