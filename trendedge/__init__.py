"""TrendEdge: a self-hostable, multi-tenant trading platform for futures traders."""

__version__ = "0.1.0"
