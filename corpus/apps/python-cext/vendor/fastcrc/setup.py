from setuptools import Extension, setup

setup(
    name="fastcrc",
    version="1.0.0",
    description="CRC-32 (IEEE) in C",
    ext_modules=[Extension("fastcrc", sources=["src/fastcrc.c"])],
)
