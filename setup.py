"""What pyproject.toml cannot say: the data in config/ ships as the package ``evradar_config``, so that
an installed evradar finds its defaults, company knowledge and samples from any folder. All package data
is listed here: setuptools lets a [tool.setuptools.package-data] table in pyproject.toml replace it."""

from setuptools import find_packages, setup

CONFIG = {
    "evradar_config": "config",
    "evradar_config.companies": "config/companies",
    "evradar_config.samples": "config/samples",
}

setup(
    packages=[*find_packages(include=["bot", "bot.*", "handlers", "handlers.*"]), *CONFIG],
    package_dir=CONFIG,
    package_data={
        "bot.run": ["templates/*.html"],
        "handlers": ["second_opinion.json"],
        "evradar_config": ["*.toml", "*.yml"],
        "evradar_config.companies": ["*.toml"],
        "evradar_config.samples": ["*.xml"],
    },
)
