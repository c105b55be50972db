"""What every form view shares."""

from django.core.exceptions import ValidationError


def show_refusal(form, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when it names one of the form's, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
