from odoo.exceptions import AccessError
from odoo.service.model import get_public_method


def public_methods(env, modules):
    """{model: {method}} of every method that classes of ``modules`` (module path
    prefixes) define and that JSON-2 would let a caller reach (not ``@api.private``)."""
    found = {}
    for name in env.registry:
        model = env[name]
        for cls in type(model).mro():
            if not cls.__module__.startswith(modules):
                continue
            for method in vars(cls):
                if method.startswith("_") or not callable(getattr(cls, method)):
                    continue
                try:
                    get_public_method(model, method)
                except AccessError:
                    continue  # @api.private
                found.setdefault(name, set()).add(method)
    return found
