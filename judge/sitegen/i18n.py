"""The site's two languages: the words of its interface, and which text of a question to show.

Every page is built once per language in ``LANGS``: English at ``questions/<id>.html``, Chinese
at ``questions/<id>.zh.html`` (see context.py's URL functions). A question's words come from
:func:`judge.bank.translation.localized`; a translation that is missing or stale (the English file
changed after its stamp) is not shown: the page keeps its Chinese interface and shows the English
text, marked ``lang="en"``, with a note saying why (:func:`view`).

The interface strings of templates are here; those of the scripts are in search.js and site.js,
keyed by the page's language the same way.
"""

from __future__ import annotations

from dataclasses import replace

from judge.bank.translation import LANGS, LANGUAGE_NAMES, LocalizedQuestion, localized, state_of
from judge.model import Question

__all__ = ["DIFFICULTY_LABEL", "HTML_LANG", "KIND_LABEL", "LANGS", "LANGUAGE_NAMES", "TEXT", "View",
           "attr", "count", "other", "text", "view"]

HTML_LANG = {"en": "en", "zh": "zh-Hans"}  # BCP 47 for the lang attribute (Simplified Chinese)
View = LocalizedQuestion


def other(lang: str) -> str:
    """The language a page's switch offers."""
    return "zh" if lang == "en" else "en"


def view(q: Question, lang: str) -> tuple[LocalizedQuestion, str]:
    """The question's words in ``lang`` and the translation's state there.

    The state is ``""`` for English, else ``current``, ``unstamped``, ``stale`` or ``missing``. A
    stale translation (loaded or not) is shown as English, like a missing one: its words may
    describe an older question.
    """
    if lang == "en":
        return localized(q, "en"), ""
    state = state_of(q, lang)
    if state in ("stale", "missing"):
        return replace(localized(q, "en"), lang=lang), state
    return localized(q, lang), state


TEXT: dict[str, dict[str, str]] = {
    "en": {
        "skip": "Skip to content",
        "nav_site": "Site",
        "nav_questions": "Questions",
        "nav_topics": "Topics",
        "nav_practise": "Practise locally",
        "search_label": "Search questions",
        "search_placeholder": "Search (press /)",
        "theme_button": "Switch to dark theme",
        "switch_label": "Language",
        "switch_title": "Read this page in English",
        "footer": "Metajudge: an offline interview question bank for meta-learning and its "
                  "neighbours. This site makes no network requests; references link out only "
                  "when you follow them.",
        "index_title": "Meta-learning interview questions",
        "index_h1": "Meta-learning interview questions",
        "tagline": "Interview questions on meta-learning and its neighbours (knowledge "
                   "distillation, transfer and self-supervised learning, meta-gradients), with "
                   "model answers, and PyTorch tasks you solve and judge on your own machine.",
        "index_description": "Meta-learning interview questions with model answers, and PyTorch "
                             "tasks judged on your own machine: MAML, distillation, transfer, "
                             "self-supervised learning.",
        "how_read": "Read a question, answer it aloud or on paper, then open its hints and the "
                    "model answer.",
        "how_code": "For a coding task, {start} writes the starter code, {test} runs the public "
                    "tests and {submit} judges your file against hidden tests in a sandbox on "
                    "your machine.",
        "how_link": "How to practise locally",
        "how_more": "{link}.",
        "questions_n": "{n} questions",
        "question_1": "1 question",
        "topics": "Topics",
        "tracks": "Learning tracks",
        "all_questions": "All questions",
        "topic": "Topic",
        "all_topics": "All topics",
        "kind": "Kind",
        "all_kinds": "All kinds",
        "difficulty": "Difficulty",
        "all_difficulties": "All difficulties",
        "tag_filter": "Tag:",
        "tag_clear": "Remove the tag filter",
        "reset": "Clear search and filters",
        "showing_all": "Showing all {n} questions.",
        "hidden_difficulty": "Difficulty: ",
        "hidden_topic": "Topic: ",
        "tags": "Tags",
        "hidden_tagged": "Questions tagged ",
        "section_link": "Link to the section {title}",
        "breadcrumb": "Breadcrumb",
        "on_this_page": "On this page",
        "Problem": "Problem",
        "Examples": "Examples",
        "quiz": "Quiz",
        "quiz_intro": "Pick one answer, then open the answer below to check it.",
        "quiz_answer": "Quiz answer",
        "correct_is": "Correct: {letter}.",
        "correct": " (correct)",
        "wrong": " (wrong)",
        "practise": "Practise locally",
        "practise_code": "Write the starter into {file}, edit it, run the public tests, then "
                         "submit it to the hidden tests, judged in a sandbox on your machine",
        "practise_concept": "Answer aloud or on paper first. In a terminal, show the question"
                            "{quiz} and then the model answer",
        "practise_quiz": ", answer its quiz",
        "setup": "set-up",
        "code_to_fix": "Code to fix",
        "fix_intro": "This code has a bug. Your fixed version must define: ",
        "starter": "Starter code",
        "starter_intro": "Your submission must define: ",
        "Hints": "Hints",
        "hints_intro": "Open one at a time, from a nudge to nearly the answer.",
        "hint_n": "Hint {n} of {total}",
        "answer": "Answer",
        "answer_intro": "Try answering aloud first, then compare.",
        "Answer": "Model answer",
        "Key points": "Key points",
        "Common mistakes": "Common mistakes",
        "Follow-ups": "Follow-ups",
        "Explanation": "Explanation",
        "solution": "Solution",
        "solution_intro": "Try the task first, and submit it once the public tests pass.",
        "solution_show": "Show the solution and explanation",
        "reference_solution": "Reference solution",
        "references": "References",
        "related": "Related questions",
        "prev_next": "Previous and next question",
        "previous": "Previous",
        "next": "Next",
        "track_step": "Track: {title}, step {step} of {total}",
        "about_title": "Practise locally",
        "about_description": "Practise every question from the command line: show, start, test, "
                             "submit and answer, judged in a sandbox on your own machine.",
        "topic_count": "{count}.",
        "topic_search": "Search within this topic",
        "topic_description": "{name}: {count}.",
        "topic_blurb": "{blurb}",
        "note_missing": "",
        "note_stale": "",
    },
    "zh": {
        "skip": "跳到正文",
        "nav_site": "站点",
        "nav_questions": "题目",
        "nav_topics": "主题",
        "nav_practise": "本地练习",
        "search_label": "搜索题目",
        "search_placeholder": "搜索（按 / 键）",
        "theme_button": "切换到深色主题",
        "switch_label": "语言",
        "switch_title": "阅读本页的中文版",
        "footer": "Metajudge：一个可离线使用的元学习及相关领域面试题库。本站不发出任何网络请求；"
                  "只有当你点击参考文献时才会打开外部链接。",
        "index_title": "元学习面试题",
        "index_h1": "元学习面试题",
        "tagline": "元学习及其相关领域（知识蒸馏、迁移学习、自监督学习、元梯度）的面试题，附参考答案；"
                   "还有在你自己的机器上编写并评测的 PyTorch 编程题。",
        "index_description": "元学习面试题，附参考答案，以及在本机评测的 PyTorch 编程题：MAML、"
                             "知识蒸馏、迁移学习、自监督学习。",
        "how_read": "先读题，口头或在纸上作答，再逐条打开提示和参考答案。",
        "how_code": "编程题可用 {start} 写出起始代码，{test} 运行公开测试，{submit} "
                    "在本机沙箱中用隐藏测试评测你的文件。",
        "how_link": "如何在本地练习",
        "how_more": "参见{link}。",
        "questions_n": "{n} 道题",
        "question_1": "1 道题",
        "topics": "主题",
        "tracks": "学习路线",
        "all_questions": "全部题目",
        "topic": "主题",
        "all_topics": "全部主题",
        "kind": "题型",
        "all_kinds": "全部题型",
        "difficulty": "难度",
        "all_difficulties": "全部难度",
        "tag_filter": "标签：",
        "tag_clear": "取消标签筛选",
        "reset": "清除搜索和筛选",
        "showing_all": "共 {n} 道题。",
        "hidden_difficulty": "难度：",
        "hidden_topic": "主题：",
        "tags": "标签",
        "hidden_tagged": "标签为 ",
        "section_link": "本节链接：{title}",
        "breadcrumb": "导航路径",
        "on_this_page": "本页目录",
        "Problem": "题目",
        "Examples": "示例",
        "quiz": "选择题",
        "quiz_intro": "先选一个答案，再打开下面的答案核对。",
        "quiz_answer": "选择题答案",
        "correct_is": "正确答案：{letter}。",
        "correct": "（正确）",
        "wrong": "（错误）",
        "practise": "本地练习",
        "practise_code": "把起始代码写到 {file}，修改后运行公开测试，再提交到隐藏测试，"
                         "在你本机的沙箱中评测",
        "practise_concept": "先口头或在纸上作答。在终端里显示题目{quiz}，再查看参考答案",
        "practise_quiz": "、回答选择题",
        "setup": "安装与设置",
        "code_to_fix": "待修复的代码",
        "fix_intro": "这段代码有错误。修复后的版本须定义：",
        "starter": "起始代码",
        "starter_intro": "你的提交须定义：",
        "Hints": "提示",
        "hints_intro": "一次打开一条，从点拨到接近答案。",
        "hint_n": "提示 {n}/{total}",
        "answer": "答案",
        "answer_intro": "先试着口头作答，再对照。",
        "Answer": "参考答案",
        "Key points": "要点",
        "Common mistakes": "常见错误",
        "Follow-ups": "追问",
        "Explanation": "解析",
        "solution": "解答",
        "solution_intro": "先自己完成，公开测试通过后再提交。",
        "solution_show": "显示解答与解析",
        "reference_solution": "参考实现",
        "references": "参考文献",
        "related": "相关题目",
        "prev_next": "上一题与下一题",
        "previous": "上一题",
        "next": "下一题",
        "track_step": "学习路线：{title}，第 {step} 步，共 {total} 步",
        "about_title": "本地练习",
        "about_description": "在命令行里练习每一道题：显示、开始、测试、提交和作答，"
                             "在你自己的机器上用沙箱评测。",
        "topic_count": "{count}。",
        "topic_search": "在本主题中搜索",
        "topic_description": "{name}：{count}。",
        "topic_blurb": "{name}：{blurb}",
        "note_missing": "这道题还没有中文译文，下面显示英文原文。",
        "note_stale": "这道题的英文原文在翻译之后有过修改，中文译文尚待更新，下面显示英文原文。",
    },
}


KIND_LABEL = {
    "en": {"coding": "Coding", "debug": "Debug", "concept": "Concept"},
    "zh": {"coding": "编程", "debug": "调试", "concept": "概念"},
}
DIFFICULTY_LABEL = {
    "en": {"easy": "Easy", "medium": "Medium", "hard": "Hard"},
    "zh": {"easy": "简单", "medium": "中等", "hard": "困难"},
}


def attr(shown_in: str, page_lang: str) -> str:
    """The ``lang`` attribute a field needs on a page: none when it is in the page's language."""
    return "" if shown_in == page_lang else HTML_LANG.get(shown_in, shown_in)


def text(lang: str) -> dict[str, str]:
    """The interface strings of a language (English for one the table does not have)."""
    return TEXT.get(lang, TEXT["en"])


def count(lang: str, n: int) -> str:
    """"1 question", "5 questions", "5 道题"."""
    t = text(lang)
    return t["question_1"] if n == 1 else t["questions_n"].format(n=n)
