"""System checks of Gongjian's own settings (`manage.py check --deploy` runs the deploy-tagged ones)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from gongjian import keys


@register(Tags.security, deploy=True)
def secrets_are_the_operators(app_configs, **kwargs):
    """A deployment must hold keys of its own: not generated beside the data, not defaults, not short."""
    errors = []
    if settings.LOCAL_KEYS_FILE:
        errors.append(
            Error(
                f"密钥取自本机生成的演示密钥文件 {settings.LOCAL_KEYS_FILE}（与数据放在一起）",
                hint="生产环境请在环境变量中设置 SECRET_KEY、FIELD_ENCRYPTION_KEYS、BLIND_INDEX_KEY，并去掉 GONGJIAN_LOCAL/DEBUG",
                id="gongjian.E001",
            )
        )
    values = {
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
    }
    for name, value in values.items():
        for problem in keys.problems(name, value, values):
            errors.append(
                Error(problem, hint="换成只有运维人员持有的随机值，见 README「生产部署」", id="gongjian.E002")
            )
    return errors
