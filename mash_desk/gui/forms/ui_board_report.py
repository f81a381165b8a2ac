# source-sha256: 3b8ee0ec1037e10f7c273d0a8e4a25375011142cff29e319908bf7f9051de90c
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'board_report.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
    QRadioButton, QSizePolicy, QSpacerItem, QVBoxLayout,
    QWidget)

class Ui_BoardReportDialog(object):
    def setupUi(self, BoardReportDialog):
        if not BoardReportDialog.objectName():
            BoardReportDialog.setObjectName(u"BoardReportDialog")
        BoardReportDialog.resize(600, 300)
        self.mainLayout = QVBoxLayout(BoardReportDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.introLabel = QLabel(BoardReportDialog)
        self.introLabel.setObjectName(u"introLabel")
        self.introLabel.setWordWrap(True)
        self.introLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard|Qt.TextInteractionFlag.TextSelectableByMouse)

        self.mainLayout.addWidget(self.introLabel)

        self.formError = QLabel(BoardReportDialog)
        self.formError.setObjectName(u"formError")
        self.formError.setWordWrap(True)

        self.mainLayout.addWidget(self.formError)

        self.fields = QFormLayout()
        self.fields.setObjectName(u"fields")
        self.monthLabel = QLabel(BoardReportDialog)
        self.monthLabel.setObjectName(u"monthLabel")

        self.fields.setWidget(0, QFormLayout.ItemRole.LabelRole, self.monthLabel)

        self.monthColumn = QVBoxLayout()
        self.monthColumn.setObjectName(u"monthColumn")
        self.month = QComboBox(BoardReportDialog)
        self.month.setObjectName(u"month")

        self.monthColumn.addWidget(self.month)

        self.monthError = QLabel(BoardReportDialog)
        self.monthError.setObjectName(u"monthError")
        self.monthError.setWordWrap(True)

        self.monthColumn.addWidget(self.monthError)


        self.fields.setLayout(0, QFormLayout.ItemRole.FieldRole, self.monthColumn)

        self.teamLabel = QLabel(BoardReportDialog)
        self.teamLabel.setObjectName(u"teamLabel")

        self.fields.setWidget(1, QFormLayout.ItemRole.LabelRole, self.teamLabel)

        self.team = QComboBox(BoardReportDialog)
        self.team.setObjectName(u"team")

        self.fields.setWidget(1, QFormLayout.ItemRole.FieldRole, self.team)

        self.formatLabel = QLabel(BoardReportDialog)
        self.formatLabel.setObjectName(u"formatLabel")

        self.fields.setWidget(2, QFormLayout.ItemRole.LabelRole, self.formatLabel)

        self.formatRow = QHBoxLayout()
        self.formatRow.setObjectName(u"formatRow")
        self.pdf = QRadioButton(BoardReportDialog)
        self.pdf.setObjectName(u"pdf")
        self.pdf.setChecked(True)

        self.formatRow.addWidget(self.pdf)

        self.xlsx = QRadioButton(BoardReportDialog)
        self.xlsx.setObjectName(u"xlsx")

        self.formatRow.addWidget(self.xlsx)

        self.formatSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.formatRow.addItem(self.formatSpacer)


        self.fields.setLayout(2, QFormLayout.ItemRole.FieldRole, self.formatRow)


        self.mainLayout.addLayout(self.fields)

        self.status = QLabel(BoardReportDialog)
        self.status.setObjectName(u"status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.mainLayout.addWidget(self.status)

        self.buttons = QDialogButtonBox(BoardReportDialog)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close|QDialogButtonBox.StandardButton.Save)

        self.mainLayout.addWidget(self.buttons)

#if QT_CONFIG(shortcut)
        self.monthLabel.setBuddy(self.month)
        self.teamLabel.setBuddy(self.team)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.month, self.team)
        QWidget.setTabOrder(self.team, self.pdf)
        QWidget.setTabOrder(self.pdf, self.xlsx)
        QWidget.setTabOrder(self.xlsx, self.buttons)

        self.retranslateUi(BoardReportDialog)

        QMetaObject.connectSlotsByName(BoardReportDialog)
    # setupUi

    def retranslateUi(self, BoardReportDialog):
        BoardReportDialog.setWindowTitle(QCoreApplication.translate("BoardReportDialog", u"Board report", None))
#if QT_CONFIG(accessibility)
        BoardReportDialog.setAccessibleName(QCoreApplication.translate("BoardReportDialog", u"Board report", None))
#endif // QT_CONFIG(accessibility)
        self.introLabel.setText(QCoreApplication.translate("BoardReportDialog", u"The month's front-door figures for the safeguarding partnership board: headline measures against target and last month, 12-month trends, breakdowns and definitions. Counts and rates only \u2014 no child is named \u2014 so it is marked OFFICIAL. The export is recorded in the audit log.", None))
        self.formError.setText("")
#if QT_CONFIG(accessibility)
        self.formError.setAccessibleName(QCoreApplication.translate("BoardReportDialog", u"Problems with this report", None))
#endif // QT_CONFIG(accessibility)
        self.monthLabel.setText(QCoreApplication.translate("BoardReportDialog", u"&Month", None))
#if QT_CONFIG(accessibility)
        self.month.setAccessibleName(QCoreApplication.translate("BoardReportDialog", u"Month", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.month.setAccessibleDescription(QCoreApplication.translate("BoardReportDialog", u"The month the report is for; the trends cover the twelve months ending with it", None))
#endif // QT_CONFIG(accessibility)
        self.monthError.setText("")
        self.teamLabel.setText(QCoreApplication.translate("BoardReportDialog", u"&Team", None))
#if QT_CONFIG(accessibility)
        self.team.setAccessibleName(QCoreApplication.translate("BoardReportDialog", u"Team", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.team.setAccessibleDescription(QCoreApplication.translate("BoardReportDialog", u"The whole MASH, or one team's work (measures without a team stay the whole MASH's)", None))
#endif // QT_CONFIG(accessibility)
        self.formatLabel.setText(QCoreApplication.translate("BoardReportDialog", u"Save as", None))
        self.pdf.setText(QCoreApplication.translate("BoardReportDialog", u"&PDF for the board", None))
        self.xlsx.setText(QCoreApplication.translate("BoardReportDialog", u"&Workbook (.xlsx), the same tables", None))
        self.status.setText(QCoreApplication.translate("BoardReportDialog", u"Choose the month, the team and PDF or workbook, then Save\u2026 (Alt+S).", None))
    # retranslateUi

