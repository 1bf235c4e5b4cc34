"""The metric catalogue, one module per business area; each exports ``METRICS``."""
