"""Which contact numbers a school may publish (rule 3).

A number written in `school.yml` (亲情电话, contacts) or in a resource's contact is published only if
it is an **institutional line**:

* its `kind` is 单位电话, 亲情电话 or 值班手机. Without `kind`, a landline or a short service number
  counts as 单位电话 (the demo data and older records write no kind); a **mobile number needs
  `kind: 值班手机`**, the school's explicit statement that the phone belongs to the school, not to
  a person;
* its role (岗位) names an office, a room or a duty, never a person: no name (王建国), no surname +
  title (王校长, 李老师), no family or volunteer word (家长, 志愿者, 奶奶, 个人 …).

Anything else is refused with a Chinese message saying what to write, and the number is not
declared, so it is refused wherever it appears (records and built pages). Registered lines of the
other schools of the county and of the bureau may be printed by every school.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from generator.privacy import detect

KINDS = ("单位电话", "亲情电话", "值班手机")
DUTY_MOBILE = "值班手机"
_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_PERSON_WORDS = re.compile(
    r"家长(?!学校|委员会|会|接待|开放)|志愿者|爸爸|妈妈(?!驿站|之家|工作室)|爷爷|奶奶|外公|外婆|姥姥|姥爷|个人|私人|本人|家属|"
    r"叔叔|阿姨|哥哥|姐姐|同学|学生本人")
_TITLES = ("老师", "校长", "主任", "书记", "园长", "组长", "队长", "会长", "所长", "站长", "局长", "股长", "村长",
           "支书", "医生", "教练", "师傅", "干事", "委员")


_OFFICE = re.compile(r"[室处部科办站所组队校园厅馆吧台卫]|中心|电话|值班|热线|总机|前台|食堂|宿管|热线|专线|服务|工作|学校")


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str = ""
    field: str = "phone"  # the field the message is about


def _mobile(number: str) -> bool:
    return bool(_MOBILE.match(re.sub(r"[\s\-()]", "", number)))


def person_in_role(role: str, staff: tuple[str, ...] = ()) -> Optional[str]:
    """The person a role label names (masked), or None: 王校长, 李老师, 家长志愿者, a name."""
    role = detect.fold_line(role or "")
    surnames = "|".join(detect.COMPOUND_SURNAMES) + "|[" + "".join(sorted(detect.SURNAMES)) + "]"
    titled = re.search(rf"(?:^|[\s:：、,，（(/])((?:{surnames})(?:{'|'.join(_TITLES)}))", role)
    if titled:  # 王校长, 联系人：李老师 (值班老师, 德育处主任 are duties)
        return detect.mask_name(titled.group(1))
    words = _PERSON_WORDS.search(role)
    if words:
        return words.group()
    for name in (*staff,):
        if name and name in role:
            return detect.mask_name(name)
    found = detect.name_candidates(role, [], [])
    if found:
        return detect.mask_name(found[0][1])
    tagger, freq = detect.name_tagger()
    for token in re.split(rf"{'|'.join(_TITLES)}|校长|[\s:：、,，（()）/·]+", role):
        if (2 <= len(token) <= 3 and (token[0] in detect.SURNAMES or token.startswith(detect.COMPOUND_SURNAMES))
                and not _OFFICE.search(token)
                and (not freq.get(token) or tagger.word_tag_tab.get(token, "").startswith("nr"))):
            return detect.mask_name(token)  # 张红梅, 校长王建国
    return None


def verdict(number: str, role: Optional[str], kind: Optional[str], staff: tuple[str, ...] = ()) -> Verdict:
    """May this contact be published? `role` is None for the 亲情电话 (its role is the line itself)."""
    kind = getattr(kind, "value", kind)
    masked = detect.mask_number(number)
    if role is not None:
        person = person_in_role(role, staff)
        if person:
            return Verdict(False, f"联系电话的岗位“{person}”指向一个人，这就成了个人电话，不能公开。"
                                  "网上只能公开单位的电话：岗位请写成“学校办公室”“德育处”“值班电话”这样的单位或岗位名称，"
                                  "号码请用学校的座机；如果是学校所有的值班手机，再加一行 kind: 值班手机", "role")
    if _mobile(number) and kind != DUTY_MOBILE:
        return Verdict(False, f"手机号码 {masked} 不能作为学校电话公开，除非它是学校所有的值班手机。"
                              "如果是，请在这一项下加一行 kind: 值班手机；如果是老师、家长或志愿者的手机，请删掉，"
                              "改写学校办公室的座机", "phone")
    return Verdict(True)
