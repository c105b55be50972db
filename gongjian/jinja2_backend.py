"""Django's Jinja2 backend, with one CSRF token per response and the `template_rendered` signal for tests."""

import jinja2
from django.middleware.csrf import get_token
from django.template import TemplateSyntaxError
from django.template.backends.jinja2 import Jinja2 as BaseJinja2
from django.template.backends.jinja2 import Template as BaseTemplate
from django.template.backends.jinja2 import get_exception_info
from django.test.signals import template_rendered
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html


class Template(BaseTemplate):
    @property
    def name(self) -> str:
        return self.template.name

    def render(self, context=None, request=None):
        context = {} if context is None else context
        if request is not None:
            context.update(request=request, **csrf_context(request))
            for context_processor in self.backend.template_context_processors:
                context.update(context_processor(request))
        try:
            html = self.template.render(context)
        except jinja2.TemplateSyntaxError as exc:
            new = TemplateSyntaxError(exc.args)
            new.template_debug = get_exception_info(exc)
            raise new from exc
        if template_rendered.receivers:  # only the test client listens
            template_rendered.send(sender=self, template=self, context=dict(context))
        return html


def csrf_context(request) -> dict:
    """`csrf_token` and `csrf_input`, masked once per page when first used. Django's own backend masks the token
    anew at every use (base.html uses it twice, a form once more), at about 0.1 ms each."""
    token = SimpleLazyObject(lambda: get_token(request))
    field = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
    return {"csrf_token": token, "csrf_input": SimpleLazyObject(lambda: format_html(field, token))}


class Jinja2(BaseJinja2):
    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)

    def from_string(self, template_code):
        return Template(self.env.from_string(template_code), self)
