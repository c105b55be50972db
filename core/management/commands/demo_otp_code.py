"""python manage.py demo_otp_code USERNAME: the current sign-in code of a demo administrator (local machines only)."""

import base64

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "演示用：显示管理员账号当前的二次验证码和验证器密钥（仅限本机演示环境）"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.LOCAL:
            raise CommandError("只能在本机演示环境（make run）中使用")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} 没有绑定验证器（普通账号登录无需验证码）")
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        self.stdout.write(f"当前验证码：{totp(device.bin_key, step=device.step, digits=device.digits):06d}")
        self.stdout.write(f"验证器密钥（可手动添加到手机验证器 App）：{secret}")
