from setuptools import setup

setup(
    name="tempconv",
    packages=["tempconv"],
    entry_points={"console_scripts": ["tempconv = tempconv.cli:main"]},
)
