"""Chinese labels and hints of the editor's form fields.

Labels come from records/labels.py (the names `careportal check` and the privacy gate use in their
messages). Hints say what to write, in the words of the README's rules.
"""

from __future__ import annotations

from enum import Enum

from generator.records import labels, models

# what a few fields mean, where the label alone is not enough
FIELD_HINTS = {
    "title": "例如：防溺水安全教育讲座",
    "summary": "一两句话说明内容，会显示在列表里",
    "body": "正文可以分段（空一行）。**加粗**用两个星号，列表每行以“- ”开头。不要写学生姓名、家庭情况或个人电话",
    "participants": "写 40、约40、40多 或 40余；少于规定人数时网站只显示“少于……人”",
    "partners": "合作单位，每项一个，例如 县妇联",
    "staff_names": "只写本人同意公开的教职工姓名",
    "not_names": "检查提醒“可能是人名”、其实不是人名的词，例如 师德；只想在一句话里不再提醒，就写那句话里包含它的一段原话",
    "phone": "学校或科室的电话，不写个人手机，例如 0599-6123402",
    "number": "学校的公用电话，例如 0599-6123401",
    "responsible_role": "写岗位，不写姓名，例如 班主任",
    "consent": "监护人书面同意书的编号或说明，没有就不能发布照片",
    "faces": "照片里能不能看清孩子的脸",
    "caption": "不要写孩子的姓名",
    "file": "上传照片：会自动缩小，并去掉拍摄地点等隐藏信息",
    "sensitive": "心理辅导、资助等情况只能按全校合计写",
    "windows": "可不选；例如 期初、期中、期末",
    "at_least": "原文写了“至少”“不少于”才打勾，例如“每月至少一次”；不打勾就不加“至少”",
    "duties": "一项职责一条：谁来做、做什么、多久一次；网站上每条写成一句话，例如“班主任每月与每名留守儿童谈心一次。”",
    "who": "不写时就是“负责人”；例如 学校、班主任、家长、生活老师",
    "through": "这项工作要通过别人来做时写，例如 督促家长（网站上写成“学校督促家长每两周与孩子通电话一次。”）",
    "frequency": "说不出次数时选，例如“经常”（网站上写成“班主任经常与留守儿童谈心。”）；选了就不写次数和周期",
    "days": "写“周一至周五”或“周一、周三”",
}

KIND_HINTS = {
    "dateish": "写成 2026-06-12；只知道月份写 2026-06",
    "date": "点击选择日期",
    "time": "24 小时制，例如 14:30",
    "term": "写成 2025-2026-1（第一学期）或 2025-2026-2（第二学期）",
    "phone": "例如 0599-6123402",
    "days": "写“周一至周五”或“周一、周三”",
}

OPTION_LABELS = {
    models.PhotoFaces.NONE: "没有人脸",
    models.PhotoFaces.BLURRED: "人脸已打码",
    models.PhotoFaces.CONSENTED: "已取得监护人同意",
}


def label_for(name: str, path: tuple = ()) -> str:
    return labels.label(name, path[:-1])


def hint_for(name: str, kind: str, path: tuple = ()) -> str:
    return FIELD_HINTS.get(name) or KIND_HINTS.get(kind, "")


def option_label(member: Enum) -> str:
    return OPTION_LABELS.get(member, str(member.value))
