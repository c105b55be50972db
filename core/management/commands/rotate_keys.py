"""python manage.py rotate_keys: re-encrypt personal data under the first FIELD_ENCRYPTION_KEYS key and rebuild the
ID-number blind indexes under BLIND_INDEX_KEY, in batches, resumable.

    1. put the new key first: FIELD_ENCRYPTION_KEYS=new,old (old keys still decrypt); set the new BLIND_INDEX_KEY
    2. manage.py rotate_keys            (interrupted? run it again: it goes on where it stopped)
    3. drop the old key from FIELD_ENCRYPTION_KEYS once it reports done
Until it is done, a search by ID number may miss people whose index is not rebuilt yet.
"""

from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import crypto
from core.models import KeyCheck, KeyRotation


class Command(BaseCommand):
    help = "用新密钥重新加密身份证号、手机号等个人信息并重建身份证号索引（可中断后继续）"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, batch_size, **options):
        crypto.reset_caches()
        new_id = crypto.key_id_of(settings.FIELD_ENCRYPTION_KEYS[0])
        ids = [crypto.key_id_of(k) for k in settings.FIELD_ENCRYPTION_KEYS]
        if ids.count(new_id) > 1:
            raise CommandError(f"新密钥的编号 {new_id} 与另一个已配置的密钥相同，请另选一个新密钥")
        missing = {key_id for kind, key_id in KeyCheck.objects.values_list("kind", "key_id") if kind == crypto.FIELD}
        missing -= set(ids)
        if missing:
            raise CommandError(
                f"数据中有用密钥 {'、'.join(sorted(missing))} 加密的值，但这些密钥不在 FIELD_ENCRYPTION_KEYS 中"
            )
        blind_check = crypto.configured_checks()[(crypto.BLIND, "")]
        rotation = KeyRotation.objects.first()
        if rotation is None or rotation.blind_check != blind_check:  # a new run, or the target key changed: restart
            KeyRotation.objects.all().delete()
            rotation = KeyRotation.objects.create(blind_check=blind_check)
        for label, columns in self._columns().items():
            self._rotate_model(label, columns, rotation, batch_size)
        self._check_nothing_left(new_id)
        with transaction.atomic():
            KeyCheck.objects.filter(kind=crypto.FIELD).exclude(key_id=new_id).delete()
            KeyCheck.objects.filter(kind=crypto.BLIND).delete()
            KeyCheck.record(
                {k: v for k, v in crypto.configured_checks().items() if k[0] == crypto.BLIND or k[1] == new_id}
            )
            rotation.delete()
        crypto.reset_caches()
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：全部个人信息已由密钥 {new_id} 加密，旧密钥现在可以从 FIELD_ENCRYPTION_KEYS 中删除"
            )
        )

    def _columns(self) -> dict[str, list[tuple[str, str | None]]]:
        columns = defaultdict(list)
        for app_label, model_name, column, hash_column in crypto.ENCRYPTED_COLUMNS:
            columns[f"{app_label}.{model_name}"].append((column, hash_column))
        return columns

    def _rotate_model(self, label, columns, rotation, batch_size):
        model = apps.get_model(label)
        names = [c for pair in columns for c in pair if c]
        last = rotation.progress.get(label, 0)
        total = model.objects.filter(pk__gt=last).count()
        done = 0
        while True:
            batch = list(model.objects.filter(pk__gt=last).order_by("pk").only("pk", *names)[:batch_size])
            if not batch:
                break
            for obj in batch:
                for column, hash_column in columns:
                    self._rotate_value(model, obj, column, hash_column)
            with transaction.atomic():
                model.objects.bulk_update(batch, names)
                last = batch[-1].pk
                rotation.progress[label] = last
                rotation.save(update_fields=["progress"])
            done += len(batch)
            self.stdout.write(f"{model._meta.verbose_name}：{done}/{total}")

    def _rotate_value(self, model, obj, column, hash_column):
        token = getattr(obj, column)
        if not token:
            return
        try:
            clear = crypto.open_token(token)
        except ValueError as error:
            raise CommandError(
                f"{model._meta.verbose_name} #{obj.pk} 的 {column} 无法解密（{error}），已停止；已完成的批次保留"
            ) from None
        setattr(obj, column, crypto.seal(clear))
        if hash_column:
            setattr(obj, hash_column, crypto.blind_index(clear, "id_number") or "")

    def _check_nothing_left(self, new_id):
        for app_label, model_name, column, _ in crypto.ENCRYPTED_COLUMNS:
            model = apps.get_model(app_label, model_name)
            left = model.objects.exclude(**{column: ""}).exclude(**{f"{column}__startswith": new_id + "."}).count()
            if left:
                raise CommandError(f"{model._meta.verbose_name}.{column} 仍有 {left} 个值未用新密钥加密，请重新运行")
