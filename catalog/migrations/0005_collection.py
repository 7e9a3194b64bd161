"""The unit librarian's own work: authorities with roles, copies with acquisition data, member types
with loan rules, closing days, reservations, fines as a ledger, and the audit trail."""

import catalog.models.members
import catalog.models.records
import catalog.storage
import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


def member_types_from_text(apps, schema_editor):
    Member = apps.get_model("catalog", "Member")
    MemberType = apps.get_model("catalog", "MemberType")
    for name in Member.objects.exclude(member_type="").values_list("member_type", flat=True).distinct():
        MemberType.objects.get_or_create(name=name[:60])


MEMBER_TYPE_TO_FOREIGN_KEY = [
    "CREATE FUNCTION pg_temp.simpul_member_type_id(text) RETURNS bigint LANGUAGE sql STABLE"
    " AS $$ SELECT id FROM catalog_membertype WHERE name = $1 $$",
    "ALTER TABLE catalog_member RENAME COLUMN member_type TO member_type_id",
    "ALTER TABLE catalog_member ALTER COLUMN member_type_id DROP NOT NULL",
    "ALTER TABLE catalog_member ALTER COLUMN member_type_id TYPE bigint"
    " USING pg_temp.simpul_member_type_id(NULLIF(member_type_id, ''))",
    "DROP FUNCTION pg_temp.simpul_member_type_id(text)",
    "ALTER TABLE catalog_member ADD CONSTRAINT catalog_member_member_type_id_fk_catalog_membertype_id"
    " FOREIGN KEY (member_type_id) REFERENCES catalog_membertype (id) DEFERRABLE INITIALLY DEFERRED",
    "CREATE INDEX catalog_member_member_type_id_idx ON catalog_member (member_type_id)",
]
MEMBER_TYPE_TO_TEXT = [
    "DROP INDEX catalog_member_member_type_id_idx",
    "ALTER TABLE catalog_member DROP CONSTRAINT catalog_member_member_type_id_fk_catalog_membertype_id",
    "ALTER TABLE catalog_member ALTER COLUMN member_type_id TYPE varchar(60) USING COALESCE("
    "(SELECT name FROM catalog_membertype WHERE id = member_type_id), '')",
    "ALTER TABLE catalog_member ALTER COLUMN member_type_id SET NOT NULL",
    "ALTER TABLE catalog_member RENAME COLUMN member_type_id TO member_type",
]


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_record_keys_per_source'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_type', models.CharField(max_length=32, verbose_name='jenis objek')),
                ('object_id', models.BigIntegerField(verbose_name='objek')),
                ('action', models.CharField(max_length=32, verbose_name='tindakan')),
                ('summary', models.CharField(blank=True, max_length=300, verbose_name='ringkasan')),
                ('changes', models.JSONField(blank=True, default=dict, verbose_name='perubahan')),
                ('actor_id', models.BigIntegerField(blank=True, null=True, verbose_name='pengguna')),
                ('actor_name', models.CharField(blank=True, max_length=150, verbose_name='nama pengguna')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='waktu')),
            ],
            options={
                'verbose_name': 'catatan audit',
                'verbose_name_plural': 'catatan audit',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ClosingDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(unique=True, verbose_name='tanggal')),
                ('description', models.CharField(blank=True, max_length=200, verbose_name='keterangan')),
            ],
            options={
                'verbose_name': 'hari libur',
                'verbose_name_plural': 'hari libur',
                'ordering': ['date'],
            },
        ),
        migrations.CreateModel(
            name='Fine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('overdue', 'Terlambat'), ('lost', 'Eksemplar hilang'), ('damaged', 'Eksemplar rusak'), ('other', 'Lainnya')], default='overdue', max_length=16, verbose_name='alasan')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='jumlah (Rp)')),
                ('days_late', models.PositiveIntegerField(default=0, verbose_name='hari terlambat')),
                ('accrued_on', models.DateField(verbose_name='tanggal timbul')),
                ('status', models.CharField(choices=[('open', 'Belum dibayar'), ('partly_paid', 'Dibayar sebagian'), ('paid', 'Lunas'), ('waived', 'Dibebaskan'), ('written_off', 'Dihapusbukukan')], default='open', max_length=16, verbose_name='status')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='catatan')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'denda',
                'verbose_name_plural': 'denda',
                'ordering': ['-accrued_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='FineTransaction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('payment', 'Pembayaran'), ('waiver', 'Pembebasan'), ('write_off', 'Penghapusbukuan')], max_length=16, verbose_name='jenis')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='jumlah (Rp)')),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='alasan')),
                ('actor_id', models.BigIntegerField(blank=True, null=True, verbose_name='petugas')),
                ('actor_name', models.CharField(blank=True, max_length=150, verbose_name='nama petugas')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='waktu')),
            ],
            options={
                'verbose_name': 'transaksi denda',
                'verbose_name_plural': 'transaksi denda',
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='MemberType',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=60, unique=True, verbose_name='nama')),
                ('loan_limit', models.PositiveSmallIntegerField(default=2, verbose_name='pinjaman sekaligus')),
                ('loan_days', models.PositiveSmallIntegerField(default=7, verbose_name='lama pinjam (hari)')),
                ('renewals_allowed', models.PositiveSmallIntegerField(default=1, verbose_name='perpanjangan')),
                ('fine_per_day', models.DecimalField(decimal_places=2, default=Decimal('500'), max_digits=10, verbose_name='denda per hari (Rp)')),
                ('reservation_limit', models.PositiveSmallIntegerField(default=2, verbose_name='reservasi sekaligus')),
                ('membership_months', models.PositiveSmallIntegerField(default=12, verbose_name='masa keanggotaan (bulan)')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'jenis anggota',
                'verbose_name_plural': 'jenis anggota',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Reservation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('waiting', 'Menunggu'), ('ready', 'Siap diambil'), ('fulfilled', 'Terpenuhi'), ('cancelled', 'Dibatalkan'), ('expired', 'Kedaluwarsa')], default='waiting', max_length=16, verbose_name='status')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='dipesan')),
                ('ready_at', models.DateTimeField(blank=True, null=True, verbose_name='siap sejak')),
                ('pickup_deadline', models.DateField(blank=True, null=True, verbose_name='batas ambil')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='selesai')),
            ],
            options={
                'verbose_name': 'reservasi',
                'verbose_name_plural': 'reservasi',
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='item',
            name='acquired_on',
            field=models.DateField(blank=True, null=True, verbose_name='tanggal pengadaan'),
        ),
        migrations.AddField(
            model_name='item',
            name='acquisition_source',
            field=models.CharField(blank=True, choices=[('purchase', 'Pembelian'), ('gift', 'Hadiah/sumbangan'), ('grant', 'Hibah'), ('exchange', 'Tukar-menukar'), ('own', 'Terbitan sendiri'), ('other', 'Lainnya')], max_length=16, verbose_name='sumber pengadaan'),
        ),
        migrations.AddField(
            model_name='item',
            name='price',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='harga'),
        ),
        migrations.AddField(
            model_name='item',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='diubah'),
        ),
        migrations.AddField(
            model_name='loan',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, null=True),
        ),
        migrations.AddField(
            model_name='loan',
            name='renewals',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='diperpanjang'),
        ),
        migrations.AddField(
            model_name='loan',
            name='returned_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='dikembalikan pada'),
        ),
        migrations.AddField(
            model_name='member',
            name='address',
            field=models.TextField(blank=True, verbose_name='alamat'),
        ),
        migrations.AddField(
            model_name='member',
            name='institution',
            field=models.CharField(blank=True, max_length=200, verbose_name='instansi'),
        ),
        migrations.AddField(
            model_name='member',
            name='notes',
            field=models.TextField(blank=True, verbose_name='catatan'),
        ),
        migrations.AddField(
            model_name='member',
            name='phone',
            field=models.CharField(blank=True, max_length=40, verbose_name='telepon'),
        ),
        migrations.AddField(
            model_name='member',
            name='photo',
            field=models.ImageField(blank=True, storage=catalog.storage.private_storage, upload_to=catalog.models.members.member_photo_path, verbose_name='foto'),
        ),
        migrations.AddField(
            model_name='member',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='diubah'),
        ),
        migrations.AddField(
            model_name='record',
            name='abstract',
            field=models.TextField(blank=True, verbose_name='abstrak'),
        ),
        migrations.AddField(
            model_name='record',
            name='copied_from',
            field=models.CharField(blank=True, max_length=120, verbose_name='disalin dari'),
        ),
        migrations.AddField(
            model_name='record',
            name='cover',
            field=models.ImageField(blank=True, upload_to=catalog.models.records.cover_upload_path, verbose_name='sampul'),
        ),
        migrations.AddField(
            model_name='record',
            name='cover_thumbnail',
            field=models.ImageField(blank=True, upload_to=catalog.models.records.cover_upload_path, verbose_name='sampul kecil'),
        ),
        migrations.AddField(
            model_name='record',
            name='edited_in_simpul_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='disunting di Simpul'),
        ),
        migrations.AddField(
            model_name='recordauthor',
            name='role',
            field=models.CharField(choices=[('author', 'Pengarang'), ('editor', 'Penyunting'), ('translator', 'Penerjemah'), ('compiler', 'Penyusun'), ('illustrator', 'Ilustrator')], default='author', max_length=16, verbose_name='peran'),
        ),
        migrations.AlterField(
            model_name='item',
            name='status',
            field=models.CharField(blank=True, choices=[('', 'Tersedia'), ('R', 'Diperbaiki'), ('LOST', 'Hilang'), ('MIS', 'Tidak ditemukan'), ('NL', 'Tidak dipinjamkan')], default='', max_length=8, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='member',
            name='email',
            field=models.EmailField(blank=True, max_length=254, verbose_name='surel'),
        ),
        migrations.AddIndex(
            model_name='loan',
            index=models.Index(fields=['member', 'is_return'], name='loan_member_open'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['object_type', 'object_id'], name='audit_object'),
        ),
        migrations.AddField(
            model_name='fine',
            name='loan',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='fines', to='catalog.loan'),
        ),
        migrations.AddField(
            model_name='fine',
            name='member',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='fines', to='catalog.member'),
        ),
        migrations.AddField(
            model_name='finetransaction',
            name='fine',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transactions', to='catalog.fine'),
        ),
        # Member.member_type was free text: each distinct text becomes a MemberType (default rules), and the
        # column becomes the foreign key in place (ALTER ... TYPE keeps its position: a dropped and re-added
        # column would leave a hole that a schema made from the template's DDL does not have).
        migrations.RunPython(member_types_from_text, migrations.RunPython.noop, elidable=False),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(sql=MEMBER_TYPE_TO_FOREIGN_KEY, reverse_sql=MEMBER_TYPE_TO_TEXT)],
            state_operations=[
                migrations.RemoveField(model_name='member', name='member_type'),
                migrations.AddField(
                    model_name='member',
                    name='member_type',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='catalog.membertype', verbose_name='jenis anggota'),
                ),
            ],
        ),
        migrations.AddField(
            model_name='reservation',
            name='item',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reservations', to='catalog.item', verbose_name='eksemplar disisihkan'),
        ),
        migrations.AddField(
            model_name='reservation',
            name='member',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reservations', to='catalog.member'),
        ),
        migrations.AddField(
            model_name='reservation',
            name='record',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reservations', to='catalog.record'),
        ),
        migrations.AddIndex(
            model_name='fine',
            index=models.Index(fields=['member', 'status'], name='fine_member_status'),
        ),
        migrations.AddIndex(
            model_name='finetransaction',
            index=models.Index(fields=['created_at'], name='fine_transaction_time'),
        ),
        migrations.AddConstraint(
            model_name='reservation',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'waiting'), ('status', 'ready'), _connector='OR'), fields=('record', 'member'), name='one_active_reservation_per_member_and_record'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='member',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='loans', to='catalog.member'),
        ),
        ]
