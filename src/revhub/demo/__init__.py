"""The demo company: a seeded simulation of a B2B SaaS business and its ground truth."""
