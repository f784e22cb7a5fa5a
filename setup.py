"""Builds the loader's C composer over libyaml; where it cannot be built, blueprint composes in Python (slower)."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("blueprint._compose", ["blueprint/_compose.c"], libraries=["yaml"],
                             extra_compile_args=["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
                             optional=True)])
