#!/usr/bin/env python3
"""Builds the HTML fixtures from ../samples/report.gt.json (same report and
numbers as the DOCX/DOC samples), imitating TRS/Word-paste markup from
docs/portals.md §3.1. Run from this directory; output is committed."""
import json

gt = json.load(open('../samples/report.gt.json'))
rows = gt['rows']
t2 = [r for r in rows if r['table'] == '二']
t3 = [r for r in rows if r['table'] == '三']
t4 = [r for r in rows if r['table'] == '四'][0]

def p(s, cls='MsoNormal'):
    # Word-paste cell content: nested spans, <o:p>, 仿宋_GB2312 styles;
    # zero written as &nbsp; is not done here (values must survive).
    return ('<p class="%s" align="center" style="text-align:center"><span style="font-family:仿宋_GB2312">'
            '<span lang="EN-US">%s</span></span><o:p></o:p></p>' % (cls, s))

def td(s, cs=1, rs=1, extra=''):
    a = ''
    if cs > 1: a += ' colspan="%d"' % cs
    if rs > 1: a += ' rowspan="%d"' % rs
    return '<td%s nowrap style="width:59.6pt;border:solid windowtext 1.0pt"%s>%s</td>' % (a, extra, p(s))

def tr(cells, i):
    return '<tr style="mso-yfti-irow:%d;height:20.0pt">%s</tr>\n' % (i, ''.join(cells))

def table2():
    out = ['<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">\n<tbody>\n']
    i = 0
    blocks = [('第二十条第（一）项', ['信息内容', '本年制发<br/>件数', '本年废止<br />件数', '现行有效<br>件数'], t2[0:2]),
              ('第二十条第（五）项', ['信息内容', '本年处理决定数量'], t2[2:3]),
              ('第二十条第（六）项', ['信息内容', '本年处理决定数量'], t2[3:5]),
              ('第二十条第（八）项', ['信息内容', '本年收费金额（单位：万元）'], t2[5:6])]
    for title, head, data in blocks:
        out.append(tr([td(title, 4)], i)); i += 1
        if len(head) == 4:
            out.append(tr([td(h) for h in head], i)); i += 1
        else:
            out.append(tr([td(head[0]), td(head[1], 3)], i)); i += 1
        for r in data:
            if len(r['nums']) == 3:
                out.append(tr([td(r['label'])] + [td(n) for n in r['nums']], i))
            else:
                out.append(tr([td(r['label']), td(r['nums'][0], 3)], i))
            i += 1
    out.append('</tbody></table>\n')
    return ''.join(out)

def table3(split=False):
    # Layout of format.md §2.3 (S5): 勾稽 note colspan3 rowspan3, 三 rowspan 22.
    h = '<table border="1" cellspacing="0" align="center">\n<tbody>\n'
    out = [h]
    out.append(tr([td('（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）', 3, 3), td('申请人情况', 7)], 0))
    out.append(tr([td('自然人', 1, 2), td('法人或其他组织', 5), td('总计', 1, 2)], 1))
    out.append(tr([td(x) for x in ['商业<br>企业', '科研<br>机构', '社会公益<br>组织', '法律服务<br>机构', '其他']], 2))
    nums = lambda r: [td(n) for n in r['nums']]
    out.append(tr([td(t3[0]['label'], 3)] + nums(t3[0]), 3))
    out.append(tr([td(t3[1]['label'], 3)] + nums(t3[1]), 4))
    groups = {4: ('（三）不予公开', 8), 12: ('（四）无法提供', 3), 15: ('（五）不予处理', 5), 20: ('（六）其他处理', 3)}
    i = 5
    k = 2
    first = True
    while k < 24:
        r = t3[k]
        cells = []
        if first:
            cells.append(td('三、本年度办理结果', 1, 22)); first = False
        if k in groups:
            g, n = groups[k]
            cells.append(td(g, 1, n))
        if k in (2, 3, 23):
            cells.append(td(r['label'], 2))
        else:
            cells.append(td(r['label']))
        cells += nums(r)
        out.append(tr(cells, i)); i += 1
        k += 1
        if split and k == 12:
            # The CMS closed the table and opened a new one mid-way; the
            # rowspans above are cut here (browsers do the same).
            out.append('</tbody></table>\n' + h)
    out.append(tr([td(t3[24]['label'], 3)] + nums(t3[24]), i))
    out.append('</tbody></table>\n')
    return ''.join(out)

def table4():
    out = ['<table border="1" cellspacing="0">\n']
    out.append(tr([td('行政复议', 5), td('行政诉讼', 10)], 0))
    out.append(tr([td(x, 1, 2) for x in ['结果<br>维持', '结果<br>纠正', '其他<br>结果', '尚未<br>审结', '总计']] + [td('未经复议直接起诉', 5), td('复议后起诉', 5)], 1))
    out.append(tr([td(x) for x in ['结果<br>维持', '结果<br>纠正', '其他<br>结果', '尚未<br>审结', '总计'] * 2], 2))
    out.append(tr([td(n) for n in t4['nums']], 3))
    out.append('</table>\n')
    return ''.join(out)

paras = [l for l in gt['text'].split('\n')]
title = paras[0]
def para_html(s):
    return '<p class="MsoNormal" style="text-indent:32.0pt"><span style="font-size:16.0pt;font-family:仿宋_GB2312">　　%s</span><o:p></o:p></p>\n' % s

intro = ''.join(para_html(s) for s in paras[1:8])
outro = ''.join(para_html(s) for s in paras[paras.index('五、存在的主要问题及改进情况'):])

def page(body, charset='gb2312', container='<div class="TRS_Editor">%s</div>'):
    return ('''<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=%s">
<title>%s_偃师区人民政府</title>
<meta name="ArticleTitle" content="%s">
<meta name="PubDate" content="2024-01-15 10:23">
<style>.TRS_Editor P{line-height:2;}</style>
<script>var currentPage = 0;</script>
</head><body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zfxxgk/">政府信息公开年报</a></div>
<div class="main"><h1 class="artT">%s</h1><div class="art_infos">发布时间：2024-01-15 来源：偃师区工业和信息化局</div>
''' % (charset, title, title, title)) + (container % body) + '''
<div class="bdsharebuttonbox"><a href="#" class="bds_weixin">分享到微信</a></div>
<div class="xglj"><h3>相关链接</h3><ul><li><a href="/a.html">偃师区2022年政府信息公开工作年度报告</a></li></ul></div>
</div>
<div class="footer">主办单位：偃师区人民政府办公室 版权所有 备案号：豫ICP备00000000号</div>
</body></html>
'''

body = ('<p class="MsoNormal" align="center"><b><span style="font-size:22.0pt;font-family:方正小标宋简体">%s</span></b></p>\n' % title
        + intro + para_html('二、主动公开政府信息情况') + table2()
        + para_html('三、收到和处理政府信息公开申请情况') + table3()
        + para_html('四、政府信息公开行政复议、行政诉讼情况') + table4() + outro)
open('report-trs-gbk.html', 'wb').write(page(body).encode('gb18030'))

# Layout wrapper (a one-cell table around everything, 表格 nested), table 三
# split over two <table> elements, UTF-8, no known CMS container.
body2 = ('<table width="100%%" class="layout"><tr><td>%s</td></tr></table>' %
         ('<p>%s</p>' % title + intro + '<p>二、主动公开政府信息情况</p>' + table2()
          + '<p>三、收到和处理政府信息公开申请情况</p>' + table3(split=True)
          + '<p>四、政府信息公开行政复议、行政诉讼情况</p>' + table4() + outro))
open('report-nested-split.html', 'wb').write(page(body2, 'utf-8', '<div class="wrap">%s</div>').encode('utf-8'))
