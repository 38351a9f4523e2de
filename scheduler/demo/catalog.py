"""What the demo site is made of: a dozen KIMs of Kota Malang, their UMKM and destinations.

Plain data, no I/O. Kelurahan codes are the seed's codes (slugs of the names
in ``scheduler/data/malang-kelurahan.csv``); a test checks every one exists.
Places are real places of Kota Malang in the kelurahan they belong to; the
UMKM and the people are made up (no real business is named as a client).
"""

from __future__ import annotations

from dataclasses import dataclass, field

EMAIL_DOMAIN = "demo.siar.id"


@dataclass(frozen=True)
class DemoProduct:
    name: str
    category: str


@dataclass(frozen=True)
class DemoUmkm:
    name: str
    owner: str
    products: tuple[DemoProduct, ...]


@dataclass(frozen=True)
class DemoDestination:
    name: str
    category: str


@dataclass(frozen=True)
class DemoKim:
    """One KIM of the demo: where it is, what it promotes, and what its members write."""

    kelurahan_code: str
    name: str
    slug: str
    formed_on: str  # ISO date
    umkm: tuple[DemoUmkm, ...] = ()
    destinations: tuple[DemoDestination, ...] = ()
    #: Sample posts: (text, wants a photo, the name of the product or destination it
    #: promotes). A photo post also goes to Instagram.
    posts: tuple[tuple[str, bool, str], ...] = ()
    #: Colours of the generated photos (background, accent).
    colours: tuple[str, str] = ("#0f766e", "#fde68a")
    admin_name: str = ""
    member_name: str = ""

    @property
    def handle(self) -> str:
        """The social handle of the KIM on every platform (sandbox accounts)."""
        return "kim_" + self.slug.removeprefix("kim-").replace("-", "_")

    @property
    def short(self) -> str:
        return self.slug.removeprefix("kim-")

    @property
    def subject_names(self) -> list[str]:
        """Every product and destination name of the KIM, products first."""
        return [p.name for u in self.umkm for p in u.products] + [d.name for d in self.destinations]


P, U, D = DemoProduct, DemoUmkm, DemoDestination

KIMS: tuple[DemoKim, ...] = (
    DemoKim(
        "purwantoro",
        "KIM Sanan Purwantoro",
        "kim-purwantoro",
        "2019-03-12",
        umkm=(
            U(
                "Sentra Keripik Tempe Sanan",
                "Bu Sri Wahyuni",
                (P("Keripik tempe original", "keripik"), P("Keripik tempe pedas daun jeruk", "keripik")),
            ),
        ),
        destinations=(
            D("Kampung Tempe Sanan", "wisata kampung"),
            D("Kampung Glintung Go Green (3G)", "wisata kampung"),
        ),
        posts=(
            (
                "Keripik tempe Sanan baru digoreng pagi ini! Renyah, gurih, tanpa pengawet. "
                "Pesan lewat KIM Purwantoro atau mampir ke Sanan. #KeripikTempe #UMKMMalang",
                True,
                "Keripik tempe original",
            ),
            (
                "Mau lihat cara membuat tempe dari kedelai sampai jadi keripik? Ayo ikut tur edukasi "
                "Kampung Tempe Sanan tiap Sabtu pagi. #WisataMalang #Sanan",
                False,
                "Kampung Tempe Sanan",
            ),
        ),
        colours=("#92400e", "#fde68a"),
        admin_name="Agus Santoso",
        member_name="Dewi Lestari",
    ),
    DemoKim(
        "jodipan",
        "KIM Jodipan Berwarna",
        "kim-jodipan",
        "2018-07-01",
        umkm=(
            U(
                "Suvenir Warna-Warni Jodipan",
                "Pak Hadi",
                (P("Gantungan kunci kampung warna-warni", "kerajinan"), P("Kaos Jodipan", "sandang")),
            ),
        ),
        destinations=(D("Kampung Warna-Warni Jodipan", "wisata kampung"),),
        posts=(
            (
                "Pagi cerah di Kampung Warna-Warni Jodipan. Jembatan kaca sudah dibuka lagi, "
                "tiket masuk tetap ramah kantong. #Jodipan #KampungWarnaWarni",
                True,
                "Kampung Warna-Warni Jodipan",
            ),
        ),
        colours=("#db2777", "#fef08a"),
        admin_name="Rina Kusuma",
        member_name="Bayu Pratama",
    ),
    DemoKim(
        "kesatrian",
        "KIM Kesatrian",
        "kim-kesatrian",
        "2018-09-20",
        umkm=(
            U(
                "Kedai Kopi Tridi",
                "Mas Fajar",
                (P("Kopi robusta Dampit sangrai", "kopi"), P("Es kopi susu gula aren", "kopi")),
            ),
        ),
        destinations=(D("Kampung Tridi (Kampung 3D)", "wisata kampung"),),
        posts=(
            (
                "Mural 3D baru di Kampung Tridi sudah jadi! Cocok untuk foto keluarga akhir pekan. "
                "Sambil mampir, cicipi kopi robusta sangrai warga. #KampungTridi #Malang",
                True,
                "Kampung Tridi (Kampung 3D)",
            ),
        ),
        colours=("#1d4ed8", "#fbbf24"),
        admin_name="Hendra Wijaya",
        member_name="Sari Puspita",
    ),
    DemoKim(
        "kiduldalem",
        "KIM Kiduldalem",
        "kim-kiduldalem",
        "2019-01-15",
        umkm=(
            U(
                "Warung Cwie Mie Arema",
                "Cak Darto",
                (P("Cwie mie ayam", "makanan olahan"), P("Pangsit goreng", "makanan olahan")),
            ),
        ),
        destinations=(
            D("Kampung Biru Arema", "wisata kampung"),
            D("Alun-alun Tugu (Bundaran Tugu Balai Kota)", "taman"),
            D("Taman Rekreasi Kota (Tarekot)", "taman"),
        ),
        posts=(
            (
                "Kampung Biru Arema makin biru! Salam Satu Jiwa dari warga Kiduldalem. "
                "Dekat Alun-alun Tugu, jalan kaki 5 menit. #KampungBiruArema #Arema",
                True,
                "Kampung Biru Arema",
            ),
            (
                "Sore ini di Alun-alun Tugu: air mancur menyala dan teratai sedang mekar. "
                "Yuk jalan sore, jangan buang sampah sembarangan ya. #AlunAlunTugu",
                False,
                "Alun-alun Tugu (Bundaran Tugu Balai Kota)",
            ),
        ),
        colours=("#1e3a8a", "#93c5fd"),
        admin_name="Yusuf Hidayat",
        member_name="Wulan Sari",
    ),
    DemoKim(
        "kauman",
        "KIM Kauman Kajoetangan",
        "kim-kauman",
        "2019-06-03",
        umkm=(
            U(
                "Kopi Kajoetangan",
                "Mbak Lia",
                (P("Kopi tubruk Kajoetangan", "kopi"), P("Lumpia Kajoetangan", "makanan olahan")),
            ),
        ),
        destinations=(D("Kampoeng Heritage Kajoetangan", "wisata sejarah"), D("Alun-alun Merdeka Malang", "taman")),
        posts=(
            (
                "Jalan-jalan ke masa lalu di Kampoeng Heritage Kajoetangan: rumah tua, sepeda onthel "
                "dan kopi tubruk. Buka setiap hari. #Kajoetangan #HeritageMalang",
                True,
                "Kampoeng Heritage Kajoetangan",
            ),
            (
                "Akhir pekan ini ada pasar tempo doeloe di Kajoetangan. Jajanan lawas, musik "
                "keroncong, dan foto bersama. #Kajoetangan",
                False,
                "Kampoeng Heritage Kajoetangan",
            ),
        ),
        colours=("#78350f", "#fcd34d"),
        admin_name="Bambang Sutrisno",
        member_name="Lia Anggraini",
    ),
    DemoKim(
        "polowijen",
        "KIM Polowijen Budaya",
        "kim-polowijen",
        "2020-02-10",
        umkm=(
            U(
                "Sanggar Topeng Polowijen",
                "Ki Suryo",
                (P("Topeng Malang Panji", "kerajinan"), P("Topeng Malang mini suvenir", "kerajinan")),
            ),
        ),
        destinations=(D("Kampung Budaya Polowijen", "wisata budaya"),),
        posts=(
            (
                "Topeng Malang dipahat tangan oleh perajin Kampung Budaya Polowijen. Tiap wajah "
                "punya watak: Panji, Klana, Sekartaji. Pesan suvenir lewat KIM. #TopengMalang",
                True,
                "Topeng Malang Panji",
            ),
            (
                "Latihan tari topeng untuk anak-anak setiap Minggu pagi di Kampung Budaya Polowijen, "
                "gratis. Ajak keluarga! #BudayaMalang",
                False,
                "Kampung Budaya Polowijen",
            ),
        ),
        colours=("#7f1d1d", "#fca5a5"),
        admin_name="Slamet Riyadi",
        member_name="Ayu Kartika",
    ),
    DemoKim(
        "dinoyo",
        "KIM Dinoyo",
        "kim-dinoyo",
        "2019-11-22",
        umkm=(
            U(
                "Keramik Dinoyo Makmur",
                "Pak Wahyu",
                (P("Vas keramik Dinoyo", "kerajinan"), P("Cangkir keramik lukis", "kerajinan")),
            ),
        ),
        destinations=(D("Sentra Keramik Dinoyo", "wisata belanja"),),
        posts=(
            (
                "Cangkir keramik lukis dari Sentra Keramik Dinoyo: tiap motif dilukis satu per satu. "
                "Cocok untuk oleh-oleh. #KeramikDinoyo #UMKMMalang",
                True,
                "Cangkir keramik lukis",
            ),
        ),
        colours=("#155e75", "#a5f3fc"),
        admin_name="Wahyu Nugroho",
        member_name="Fitri Handayani",
    ),
    DemoKim(
        "oro-oro-dowo",
        "KIM Oro-oro Dowo",
        "kim-oro-oro-dowo",
        "2020-08-17",
        umkm=(
            U(
                "Dapur Strudel Bu Rina",
                "Bu Rina",
                (P("Strudel apel Malang", "makanan olahan"), P("Strudel keju", "makanan olahan")),
            ),
        ),
        destinations=(D("Kawasan Ijen Boulevard (Car Free Day)", "wisata kota"),),
        posts=(
            (
                "Strudel apel hangat dari apel Malang asli, renyah di luar, lembut di dalam. "
                "Pre-order untuk Minggu pagi di Car Free Day Ijen. #StrudelMalang #ApelMalang",
                True,
                "Strudel apel Malang",
            ),
        ),
        colours=("#3f6212", "#d9f99d"),
        admin_name="Teguh Prasetyo",
        member_name="Rina Marlina",
    ),
    DemoKim(
        "rampal-celaket",
        "KIM Rampal Celaket",
        "kim-rampal-celaket",
        "2021-04-05",
        umkm=(
            U(
                "Kampung Kue Rampal Celaket",
                "Bu Rahayu",
                (P("Kue lapis legit", "makanan olahan"), P("Onde-onde wijen", "makanan olahan")),
            ),
        ),
        destinations=(D("Kampung Kue Rampal Celaket", "wisata kuliner"),),
        posts=(
            (
                "Subuh di Kampung Kue: puluhan jenis jajan pasar siap diambil pedagang. "
                "Pesan untuk hajatan minimal sehari sebelumnya. #KampungKue #JajanPasar",
                True,
                "Kampung Kue Rampal Celaket",
            ),
        ),
        colours=("#9d174d", "#fbcfe8"),
        admin_name="Joko Susilo",
        member_name="Rahayu Ningsih",
    ),
    DemoKim(
        "sawojajar",
        "KIM Sawojajar",
        "kim-sawojajar",
        "2020-10-28",
        umkm=(
            U(
                "Bakso Malang Cak Man",
                "Cak Man",
                (P("Bakso bakar", "makanan olahan"), P("Bakso urat", "makanan olahan")),
            ),
        ),
        posts=(
            (
                "Bakso bakar Cak Man: kuah kaldu sapi, tahu, siomay, pangsit. Sekarang bisa "
                "pesan antar se-Sawojajar. #BaksoMalang #KulinerMalang",
                True,
                "Bakso bakar",
            ),
            (
                "Bakso urat Cak Man sekarang juga tersedia versi beku, tahan seminggu di freezer. "
                "Oleh-oleh khas Malang! #BaksoMalang",
                False,
                "Bakso urat",
            ),
        ),
        colours=("#b45309", "#fef3c7"),
        admin_name="Eko Purnomo",
        member_name="Nina Safitri",
    ),
    DemoKim(
        "mojolangu",
        "KIM Mojolangu",
        "kim-mojolangu",
        "2021-02-14",
        umkm=(
            U(
                "Keripik Buah Mojolangu",
                "Bu Endang",
                (P("Keripik apel", "keripik"), P("Keripik nangka", "keripik")),
            ),
        ),
        posts=(
            (
                "Keripik buah tanpa gula tambahan: apel, nangka, salak. Dibuat dengan vacuum frying "
                "oleh ibu-ibu PKK Mojolangu. #KeripikBuah #UMKMMalang",
                True,
                "Keripik apel",
            ),
        ),
        colours=("#166534", "#bbf7d0"),
        admin_name="Dedi Kurniawan",
        member_name="Endang Susanti",
    ),
    DemoKim(
        "madyopuro",
        "KIM Madyopuro",
        "kim-madyopuro",
        "2021-09-09",
        umkm=(
            U(
                "Sambal Pecel Bu Yati",
                "Bu Yati",
                (P("Sambal pecel kacang", "makanan olahan"),),
            ),
        ),
        destinations=(D("Kampung Wisata Religi Gribig", "wisata religi"),),
        posts=(
            (
                "Sambal pecel Bu Yati, kacang sangrai dan daun jeruk, tahan sebulan. "
                "Tinggal seduh air panas. #SambalPecel #UMKMMalang",
                True,
                "Sambal pecel kacang",
            ),
            (
                "Ziarah dan jalan santai di Kampung Wisata Religi Gribig, Madyopuro. "
                "Parkir luas, warung warga buka sampai malam. #WisataReligi",
                False,
                "Kampung Wisata Religi Gribig",
            ),
        ),
        colours=("#4c1d95", "#ddd6fe"),
        admin_name="Rudi Hartono",
        member_name="Yati Suryani",
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    """One person of the demo and the password printed for them."""

    email: str
    name: str
    role: str
    kim_slug: str | None = None
    password: str = field(default="", repr=False)


def logins() -> list[DemoLogin]:
    """Every demo user, passwords not yet chosen: a superadmin, a Kominfo staff member,
    and an admin and a member for each KIM."""
    people = [
        DemoLogin(f"superadmin@{EMAIL_DOMAIN}", "Operator Siar", "superadmin"),
        DemoLogin(f"kominfo@{EMAIL_DOMAIN}", "Staf Diskominfo Kota Malang", "staff"),
    ]
    for kim in KIMS:
        people.append(DemoLogin(f"admin.{kim.short}@{EMAIL_DOMAIN}", kim.admin_name, "admin", kim.slug))
        people.append(DemoLogin(f"anggota.{kim.short}@{EMAIL_DOMAIN}", kim.member_name, "member", kim.slug))
    return people
