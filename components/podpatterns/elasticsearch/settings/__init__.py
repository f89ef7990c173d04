"""Elasticsearch's settings, and `AppSettings`: a stack's whole configuration, every pattern's settings in one."""

from .model import AppSettings, ElasticsearchSettings
from .stack import load_stack_settings

__all__ = ["AppSettings", "ElasticsearchSettings", "load_stack_settings"]
