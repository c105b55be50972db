"""Django's Jinja2 backend, plus the `template_rendered` signal so tests can read `response.context`."""

from django.template.backends.jinja2 import Jinja2 as BaseJinja2
from django.template.backends.jinja2 import Template as BaseTemplate
from django.test.signals import template_rendered


class Template(BaseTemplate):
    @property
    def name(self) -> str:
        return self.template.name

    def render(self, context=None, request=None):
        html = super().render(context, request)
        if template_rendered.receivers:  # only the test client listens
            template_rendered.send(sender=self, template=self, context=dict(context or {}))
        return html


class Jinja2(BaseJinja2):
    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)

    def from_string(self, template_code):
        return Template(self.env.from_string(template_code), self)
