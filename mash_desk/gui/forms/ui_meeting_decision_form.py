# source-sha256: 022f2472f11c566de680fbfba3e15ae37df981debca21ef224ae8ed2ab6db7df
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'meeting_decision_form.ui'
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
from PySide6.QtWidgets import (QApplication, QComboBox, QDateEdit, QFormLayout,
    QGridLayout, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
    QPushButton, QSizePolicy, QVBoxLayout, QWidget)

from mash_desk.gui.meeting.reading_pane import (LiveLabel, ReadingPane)

class Ui_MeetingDecisionForm(object):
    def setupUi(self, MeetingDecisionForm):
        if not MeetingDecisionForm.objectName():
            MeetingDecisionForm.setObjectName(u"MeetingDecisionForm")
        self.formLayout = QVBoxLayout(MeetingDecisionForm)
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setContentsMargins(0, 0, 0, 0)
        self.versionsBox = QGroupBox(MeetingDecisionForm)
        self.versionsBox.setObjectName(u"versionsBox")
        self.versionsLayout = QVBoxLayout(self.versionsBox)
        self.versionsLayout.setObjectName(u"versionsLayout")
        self.versionsLayout.setContentsMargins(4, 4, 4, 4)
        self.versionsText = ReadingPane(self.versionsBox)
        self.versionsText.setObjectName(u"versionsText")
        self.versionsText.setMaximumSize(QSize(16777215, 70))

        self.versionsLayout.addWidget(self.versionsText)


        self.formLayout.addWidget(self.versionsBox)

        self.decisionBox = QGroupBox(MeetingDecisionForm)
        self.decisionBox.setObjectName(u"decisionBox")
        self.decisionLayout = QFormLayout(self.decisionBox)
        self.decisionLayout.setObjectName(u"decisionLayout")
        self.decisionLayout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.outcomeLabel = QLabel(self.decisionBox)
        self.outcomeLabel.setObjectName(u"outcomeLabel")

        self.decisionLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.outcomeLabel)

        self.outcomeField = QWidget(self.decisionBox)
        self.outcomeField.setObjectName(u"outcomeField")
        self.outcomeFieldLayout = QVBoxLayout(self.outcomeField)
        self.outcomeFieldLayout.setObjectName(u"outcomeFieldLayout")
        self.outcomeFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.outcome = QComboBox(self.outcomeField)
        self.outcome.setObjectName(u"outcome")

        self.outcomeFieldLayout.addWidget(self.outcome)

        self.outcomeError = QLabel(self.outcomeField)
        self.outcomeError.setObjectName(u"outcomeError")
        self.outcomeError.setWordWrap(True)
        self.outcomeError.setTextFormat(Qt.TextFormat.PlainText)

        self.outcomeFieldLayout.addWidget(self.outcomeError)

        self.censusFlag = LiveLabel(self.outcomeField)
        self.censusFlag.setObjectName(u"censusFlag")
        self.censusFlag.setWordWrap(True)
        self.censusFlag.setTextFormat(Qt.TextFormat.PlainText)

        self.outcomeFieldLayout.addWidget(self.censusFlag)


        self.decisionLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.outcomeField)

        self.pathwaysLabel = QLabel(self.decisionBox)
        self.pathwaysLabel.setObjectName(u"pathwaysLabel")

        self.decisionLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.pathwaysLabel)

        self.pathwaysField = QWidget(self.decisionBox)
        self.pathwaysField.setObjectName(u"pathwaysField")
        self.pathwaysFieldLayout = QVBoxLayout(self.pathwaysField)
        self.pathwaysFieldLayout.setObjectName(u"pathwaysFieldLayout")
        self.pathwaysFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.pathways = QWidget(self.pathwaysField)
        self.pathways.setObjectName(u"pathways")
        self.pathwaysGrid = QGridLayout(self.pathways)
        self.pathwaysGrid.setObjectName(u"pathwaysGrid")
        self.pathwaysGrid.setContentsMargins(0, 0, 0, 0)

        self.pathwaysFieldLayout.addWidget(self.pathways)

        self.pathwaysError = QLabel(self.pathwaysField)
        self.pathwaysError.setObjectName(u"pathwaysError")
        self.pathwaysError.setWordWrap(True)
        self.pathwaysError.setTextFormat(Qt.TextFormat.PlainText)

        self.pathwaysFieldLayout.addWidget(self.pathwaysError)


        self.decisionLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.pathwaysField)

        self.indicatorsLabel = QLabel(self.decisionBox)
        self.indicatorsLabel.setObjectName(u"indicatorsLabel")

        self.decisionLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.indicatorsLabel)

        self.indicatorsField = QWidget(self.decisionBox)
        self.indicatorsField.setObjectName(u"indicatorsField")
        self.indicatorsFieldLayout = QVBoxLayout(self.indicatorsField)
        self.indicatorsFieldLayout.setObjectName(u"indicatorsFieldLayout")
        self.indicatorsFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.indicatorFilter = QLineEdit(self.indicatorsField)
        self.indicatorFilter.setObjectName(u"indicatorFilter")

        self.indicatorsFieldLayout.addWidget(self.indicatorFilter)

        self.indicatorList = QListWidget(self.indicatorsField)
        self.indicatorList.setObjectName(u"indicatorList")
        self.indicatorList.setWordWrap(True)
        self.indicatorList.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.indicatorList.setMinimumSize(QSize(0, 110))

        self.indicatorsFieldLayout.addWidget(self.indicatorList)

        self.suggestion = LiveLabel(self.indicatorsField)
        self.suggestion.setObjectName(u"suggestion")
        self.suggestion.setWordWrap(True)

        self.indicatorsFieldLayout.addWidget(self.suggestion)

        self.indicatorsError = QLabel(self.indicatorsField)
        self.indicatorsError.setObjectName(u"indicatorsError")
        self.indicatorsError.setWordWrap(True)
        self.indicatorsError.setTextFormat(Qt.TextFormat.PlainText)

        self.indicatorsFieldLayout.addWidget(self.indicatorsError)


        self.decisionLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.indicatorsField)

        self.levelLabel = QLabel(self.decisionBox)
        self.levelLabel.setObjectName(u"levelLabel")

        self.decisionLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.levelLabel)

        self.levelField = QWidget(self.decisionBox)
        self.levelField.setObjectName(u"levelField")
        self.levelFieldLayout = QVBoxLayout(self.levelField)
        self.levelFieldLayout.setObjectName(u"levelFieldLayout")
        self.levelFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.level = QComboBox(self.levelField)
        self.level.setObjectName(u"level")

        self.levelFieldLayout.addWidget(self.level)

        self.levelError = QLabel(self.levelField)
        self.levelError.setObjectName(u"levelError")
        self.levelError.setWordWrap(True)
        self.levelError.setTextFormat(Qt.TextFormat.PlainText)

        self.levelFieldLayout.addWidget(self.levelError)


        self.decisionLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.levelField)

        self.levelRationaleLabel = QLabel(self.decisionBox)
        self.levelRationaleLabel.setObjectName(u"levelRationaleLabel")

        self.decisionLayout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.levelRationaleLabel)

        self.levelRationaleField = QWidget(self.decisionBox)
        self.levelRationaleField.setObjectName(u"levelRationaleField")
        self.levelRationaleFieldLayout = QVBoxLayout(self.levelRationaleField)
        self.levelRationaleFieldLayout.setObjectName(u"levelRationaleFieldLayout")
        self.levelRationaleFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.levelRationale = QLineEdit(self.levelRationaleField)
        self.levelRationale.setObjectName(u"levelRationale")

        self.levelRationaleFieldLayout.addWidget(self.levelRationale)

        self.levelRationaleError = QLabel(self.levelRationaleField)
        self.levelRationaleError.setObjectName(u"levelRationaleError")
        self.levelRationaleError.setWordWrap(True)
        self.levelRationaleError.setTextFormat(Qt.TextFormat.PlainText)

        self.levelRationaleFieldLayout.addWidget(self.levelRationaleError)


        self.decisionLayout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.levelRationaleField)

        self.outcomeLevelReasonLabel = QLabel(self.decisionBox)
        self.outcomeLevelReasonLabel.setObjectName(u"outcomeLevelReasonLabel")
        self.outcomeLevelReasonLabel.setWordWrap(True)

        self.decisionLayout.setWidget(5, QFormLayout.ItemRole.LabelRole, self.outcomeLevelReasonLabel)

        self.outcomeLevelReasonField = QWidget(self.decisionBox)
        self.outcomeLevelReasonField.setObjectName(u"outcomeLevelReasonField")
        self.outcomeLevelReasonFieldLayout = QVBoxLayout(self.outcomeLevelReasonField)
        self.outcomeLevelReasonFieldLayout.setObjectName(u"outcomeLevelReasonFieldLayout")
        self.outcomeLevelReasonFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.outcomeLevelPrompt = LiveLabel(self.outcomeLevelReasonField)
        self.outcomeLevelPrompt.setObjectName(u"outcomeLevelPrompt")
        self.outcomeLevelPrompt.setWordWrap(True)
        self.outcomeLevelPrompt.setTextFormat(Qt.TextFormat.PlainText)

        self.outcomeLevelReasonFieldLayout.addWidget(self.outcomeLevelPrompt)

        self.outcomeLevelReason = QLineEdit(self.outcomeLevelReasonField)
        self.outcomeLevelReason.setObjectName(u"outcomeLevelReason")

        self.outcomeLevelReasonFieldLayout.addWidget(self.outcomeLevelReason)

        self.outcomeLevelReasonError = QLabel(self.outcomeLevelReasonField)
        self.outcomeLevelReasonError.setObjectName(u"outcomeLevelReasonError")
        self.outcomeLevelReasonError.setWordWrap(True)
        self.outcomeLevelReasonError.setTextFormat(Qt.TextFormat.PlainText)

        self.outcomeLevelReasonFieldLayout.addWidget(self.outcomeLevelReasonError)


        self.decisionLayout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.outcomeLevelReasonField)

        self.rationaleLabel = QLabel(self.decisionBox)
        self.rationaleLabel.setObjectName(u"rationaleLabel")

        self.decisionLayout.setWidget(6, QFormLayout.ItemRole.LabelRole, self.rationaleLabel)

        self.rationaleField = QWidget(self.decisionBox)
        self.rationaleField.setObjectName(u"rationaleField")
        self.rationaleFieldLayout = QVBoxLayout(self.rationaleField)
        self.rationaleFieldLayout.setObjectName(u"rationaleFieldLayout")
        self.rationaleFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.rationale = QPlainTextEdit(self.rationaleField)
        self.rationale.setObjectName(u"rationale")
        self.rationale.setTabChangesFocus(True)
        self.rationale.setMaximumSize(QSize(16777215, 64))

        self.rationaleFieldLayout.addWidget(self.rationale)

        self.rationaleError = QLabel(self.rationaleField)
        self.rationaleError.setObjectName(u"rationaleError")
        self.rationaleError.setWordWrap(True)
        self.rationaleError.setTextFormat(Qt.TextFormat.PlainText)

        self.rationaleFieldLayout.addWidget(self.rationaleError)


        self.decisionLayout.setWidget(6, QFormLayout.ItemRole.FieldRole, self.rationaleField)

        self.actionsLabel = QLabel(self.decisionBox)
        self.actionsLabel.setObjectName(u"actionsLabel")

        self.decisionLayout.setWidget(7, QFormLayout.ItemRole.LabelRole, self.actionsLabel)

        self.actionsField = QWidget(self.decisionBox)
        self.actionsField.setObjectName(u"actionsField")
        self.actionsFieldLayout = QVBoxLayout(self.actionsField)
        self.actionsFieldLayout.setObjectName(u"actionsFieldLayout")
        self.actionsFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.actions = QWidget(self.actionsField)
        self.actions.setObjectName(u"actions")
        self.actionsGrid = QGridLayout(self.actions)
        self.actionsGrid.setObjectName(u"actionsGrid")
        self.actionsGrid.setContentsMargins(0, 0, 0, 0)
        self.actionTextLabel = QLabel(self.actions)
        self.actionTextLabel.setObjectName(u"actionTextLabel")

        self.actionsGrid.addWidget(self.actionTextLabel, 0, 0, 1, 1)

        self.actionText = QLineEdit(self.actions)
        self.actionText.setObjectName(u"actionText")

        self.actionsGrid.addWidget(self.actionText, 0, 1, 1, 3)

        self.actionOwnerLabel = QLabel(self.actions)
        self.actionOwnerLabel.setObjectName(u"actionOwnerLabel")

        self.actionsGrid.addWidget(self.actionOwnerLabel, 1, 0, 1, 1)

        self.actionOwner = QComboBox(self.actions)
        self.actionOwner.setObjectName(u"actionOwner")

        self.actionsGrid.addWidget(self.actionOwner, 1, 1, 1, 1)

        self.actionDueLabel = QLabel(self.actions)
        self.actionDueLabel.setObjectName(u"actionDueLabel")

        self.actionsGrid.addWidget(self.actionDueLabel, 1, 2, 1, 1)

        self.actionDue = QDateEdit(self.actions)
        self.actionDue.setObjectName(u"actionDue")
        self.actionDue.setCalendarPopup(True)

        self.actionsGrid.addWidget(self.actionDue, 1, 3, 1, 1)

        self.actionAdd = QPushButton(self.actions)
        self.actionAdd.setObjectName(u"actionAdd")

        self.actionsGrid.addWidget(self.actionAdd, 1, 4, 1, 1)

        self.actionList = QListWidget(self.actions)
        self.actionList.setObjectName(u"actionList")
        self.actionList.setMaximumSize(QSize(16777215, 70))

        self.actionsGrid.addWidget(self.actionList, 2, 0, 1, 5)


        self.actionsFieldLayout.addWidget(self.actions)

        self.actionsError = QLabel(self.actionsField)
        self.actionsError.setObjectName(u"actionsError")
        self.actionsError.setWordWrap(True)
        self.actionsError.setTextFormat(Qt.TextFormat.PlainText)

        self.actionsFieldLayout.addWidget(self.actionsError)


        self.decisionLayout.setWidget(7, QFormLayout.ItemRole.FieldRole, self.actionsField)

        self.informFamilyLabel = QLabel(self.decisionBox)
        self.informFamilyLabel.setObjectName(u"informFamilyLabel")

        self.decisionLayout.setWidget(8, QFormLayout.ItemRole.LabelRole, self.informFamilyLabel)

        self.informFamilyField = QWidget(self.decisionBox)
        self.informFamilyField.setObjectName(u"informFamilyField")
        self.informFamilyFieldLayout = QVBoxLayout(self.informFamilyField)
        self.informFamilyFieldLayout.setObjectName(u"informFamilyFieldLayout")
        self.informFamilyFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.informFamily = QLineEdit(self.informFamilyField)
        self.informFamily.setObjectName(u"informFamily")

        self.informFamilyFieldLayout.addWidget(self.informFamily)

        self.informFamilyError = QLabel(self.informFamilyField)
        self.informFamilyError.setObjectName(u"informFamilyError")
        self.informFamilyError.setWordWrap(True)
        self.informFamilyError.setTextFormat(Qt.TextFormat.PlainText)

        self.informFamilyFieldLayout.addWidget(self.informFamilyError)


        self.decisionLayout.setWidget(8, QFormLayout.ItemRole.FieldRole, self.informFamilyField)

        self.informReferrerLabel = QLabel(self.decisionBox)
        self.informReferrerLabel.setObjectName(u"informReferrerLabel")

        self.decisionLayout.setWidget(9, QFormLayout.ItemRole.LabelRole, self.informReferrerLabel)

        self.informReferrerField = QWidget(self.decisionBox)
        self.informReferrerField.setObjectName(u"informReferrerField")
        self.informReferrerFieldLayout = QVBoxLayout(self.informReferrerField)
        self.informReferrerFieldLayout.setObjectName(u"informReferrerFieldLayout")
        self.informReferrerFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.informReferrer = QLineEdit(self.informReferrerField)
        self.informReferrer.setObjectName(u"informReferrer")

        self.informReferrerFieldLayout.addWidget(self.informReferrer)

        self.informReferrerError = QLabel(self.informReferrerField)
        self.informReferrerError.setObjectName(u"informReferrerError")
        self.informReferrerError.setWordWrap(True)
        self.informReferrerError.setTextFormat(Qt.TextFormat.PlainText)

        self.informReferrerFieldLayout.addWidget(self.informReferrerError)


        self.decisionLayout.setWidget(9, QFormLayout.ItemRole.FieldRole, self.informReferrerField)

        self.informProfessionalsLabel = QLabel(self.decisionBox)
        self.informProfessionalsLabel.setObjectName(u"informProfessionalsLabel")

        self.decisionLayout.setWidget(10, QFormLayout.ItemRole.LabelRole, self.informProfessionalsLabel)

        self.informProfessionalsField = QWidget(self.decisionBox)
        self.informProfessionalsField.setObjectName(u"informProfessionalsField")
        self.informProfessionalsFieldLayout = QVBoxLayout(self.informProfessionalsField)
        self.informProfessionalsFieldLayout.setObjectName(u"informProfessionalsFieldLayout")
        self.informProfessionalsFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.informProfessionals = QLineEdit(self.informProfessionalsField)
        self.informProfessionals.setObjectName(u"informProfessionals")

        self.informProfessionalsFieldLayout.addWidget(self.informProfessionals)

        self.informProfessionalsError = QLabel(self.informProfessionalsField)
        self.informProfessionalsError.setObjectName(u"informProfessionalsError")
        self.informProfessionalsError.setWordWrap(True)
        self.informProfessionalsError.setTextFormat(Qt.TextFormat.PlainText)

        self.informProfessionalsFieldLayout.addWidget(self.informProfessionalsError)


        self.decisionLayout.setWidget(10, QFormLayout.ItemRole.FieldRole, self.informProfessionalsField)

        self.teamLabel = QLabel(self.decisionBox)
        self.teamLabel.setObjectName(u"teamLabel")

        self.decisionLayout.setWidget(11, QFormLayout.ItemRole.LabelRole, self.teamLabel)

        self.teamField = QWidget(self.decisionBox)
        self.teamField.setObjectName(u"teamField")
        self.teamFieldLayout = QVBoxLayout(self.teamField)
        self.teamFieldLayout.setObjectName(u"teamFieldLayout")
        self.teamFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.team = QLineEdit(self.teamField)
        self.team.setObjectName(u"team")

        self.teamFieldLayout.addWidget(self.team)

        self.teamError = QLabel(self.teamField)
        self.teamError.setObjectName(u"teamError")
        self.teamError.setWordWrap(True)
        self.teamError.setTextFormat(Qt.TextFormat.PlainText)

        self.teamFieldLayout.addWidget(self.teamError)


        self.decisionLayout.setWidget(11, QFormLayout.ItemRole.FieldRole, self.teamField)

        self.workerLabel = QLabel(self.decisionBox)
        self.workerLabel.setObjectName(u"workerLabel")

        self.decisionLayout.setWidget(12, QFormLayout.ItemRole.LabelRole, self.workerLabel)

        self.workerField = QWidget(self.decisionBox)
        self.workerField.setObjectName(u"workerField")
        self.workerFieldLayout = QVBoxLayout(self.workerField)
        self.workerFieldLayout.setObjectName(u"workerFieldLayout")
        self.workerFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.worker = QComboBox(self.workerField)
        self.worker.setObjectName(u"worker")

        self.workerFieldLayout.addWidget(self.worker)

        self.workerError = QLabel(self.workerField)
        self.workerError.setObjectName(u"workerError")
        self.workerError.setWordWrap(True)
        self.workerError.setTextFormat(Qt.TextFormat.PlainText)

        self.workerFieldLayout.addWidget(self.workerError)


        self.decisionLayout.setWidget(12, QFormLayout.ItemRole.FieldRole, self.workerField)

        self.buttonsLabel = QLabel(self.decisionBox)
        self.buttonsLabel.setObjectName(u"buttonsLabel")

        self.decisionLayout.setWidget(13, QFormLayout.ItemRole.LabelRole, self.buttonsLabel)

        self.decisionField = QWidget(self.decisionBox)
        self.decisionField.setObjectName(u"decisionField")
        self.decisionFieldLayout = QVBoxLayout(self.decisionField)
        self.decisionFieldLayout.setObjectName(u"decisionFieldLayout")
        self.decisionFieldLayout.setContentsMargins(0, 0, 0, 0)
        self.buttons = QWidget(self.decisionField)
        self.buttons.setObjectName(u"buttons")
        self.buttonsLayout = QHBoxLayout(self.buttons)
        self.buttonsLayout.setObjectName(u"buttonsLayout")
        self.buttonsLayout.setContentsMargins(0, 0, 0, 0)
        self.saveButton = QPushButton(self.buttons)
        self.saveButton.setObjectName(u"saveButton")

        self.buttonsLayout.addWidget(self.saveButton)

        self.signButton = QPushButton(self.buttons)
        self.signButton.setObjectName(u"signButton")

        self.buttonsLayout.addWidget(self.signButton)


        self.decisionFieldLayout.addWidget(self.buttons)

        self.decisionError = QLabel(self.decisionField)
        self.decisionError.setObjectName(u"decisionError")
        self.decisionError.setWordWrap(True)
        self.decisionError.setTextFormat(Qt.TextFormat.PlainText)

        self.decisionFieldLayout.addWidget(self.decisionError)


        self.decisionLayout.setWidget(13, QFormLayout.ItemRole.FieldRole, self.decisionField)


        self.formLayout.addWidget(self.decisionBox)

#if QT_CONFIG(shortcut)
        self.outcomeLabel.setBuddy(self.outcome)
        self.indicatorsLabel.setBuddy(self.indicatorFilter)
        self.levelLabel.setBuddy(self.level)
        self.levelRationaleLabel.setBuddy(self.levelRationale)
        self.outcomeLevelReasonLabel.setBuddy(self.outcomeLevelReason)
        self.rationaleLabel.setBuddy(self.rationale)
        self.actionTextLabel.setBuddy(self.actionText)
        self.actionOwnerLabel.setBuddy(self.actionOwner)
        self.actionDueLabel.setBuddy(self.actionDue)
        self.informFamilyLabel.setBuddy(self.informFamily)
        self.informReferrerLabel.setBuddy(self.informReferrer)
        self.informProfessionalsLabel.setBuddy(self.informProfessionals)
        self.teamLabel.setBuddy(self.team)
        self.workerLabel.setBuddy(self.worker)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.outcome, self.indicatorFilter)
        QWidget.setTabOrder(self.indicatorFilter, self.indicatorList)
        QWidget.setTabOrder(self.indicatorList, self.level)
        QWidget.setTabOrder(self.level, self.levelRationale)
        QWidget.setTabOrder(self.levelRationale, self.outcomeLevelReason)
        QWidget.setTabOrder(self.outcomeLevelReason, self.rationale)
        QWidget.setTabOrder(self.rationale, self.actionText)
        QWidget.setTabOrder(self.actionText, self.actionOwner)
        QWidget.setTabOrder(self.actionOwner, self.actionDue)
        QWidget.setTabOrder(self.actionDue, self.actionAdd)
        QWidget.setTabOrder(self.actionAdd, self.actionList)
        QWidget.setTabOrder(self.actionList, self.informFamily)
        QWidget.setTabOrder(self.informFamily, self.informReferrer)
        QWidget.setTabOrder(self.informReferrer, self.informProfessionals)
        QWidget.setTabOrder(self.informProfessionals, self.team)
        QWidget.setTabOrder(self.team, self.worker)
        QWidget.setTabOrder(self.worker, self.saveButton)
        QWidget.setTabOrder(self.saveButton, self.signButton)
        QWidget.setTabOrder(self.signButton, self.versionsText)

        self.retranslateUi(MeetingDecisionForm)

        QMetaObject.connectSlotsByName(MeetingDecisionForm)
    # setupUi

    def retranslateUi(self, MeetingDecisionForm):
        MeetingDecisionForm.setWindowTitle(QCoreApplication.translate("MeetingDecisionForm", u"Decision", None))
#if QT_CONFIG(accessibility)
        MeetingDecisionForm.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Decision form", None))
#endif // QT_CONFIG(accessibility)
        self.versionsBox.setTitle(QCoreApplication.translate("MeetingDecisionForm", u"Decision versions", None))
#if QT_CONFIG(accessibility)
        self.versionsText.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Decision versions", None))
#endif // QT_CONFIG(accessibility)
        self.decisionBox.setTitle(QCoreApplication.translate("MeetingDecisionForm", u"Decision (Ctrl+E)", None))
        self.outcomeLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"&Outcome", None))
#if QT_CONFIG(accessibility)
        self.outcome.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Outcome", None))
#endif // QT_CONFIG(accessibility)
        self.outcomeError.setText("")
        self.censusFlag.setText("")
#if QT_CONFIG(accessibility)
        self.censusFlag.setAccessibleDescription(QCoreApplication.translate("MeetingDecisionForm", u"CIN census", None))
#endif // QT_CONFIG(accessibility)
        self.pathwaysLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"Parallel pathways", None))
#if QT_CONFIG(accessibility)
        self.pathways.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Parallel pathways", None))
#endif // QT_CONFIG(accessibility)
        self.pathwaysError.setText("")
        self.indicatorsLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"&Indicators", None))
#if QT_CONFIG(accessibility)
        self.indicatorFilter.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Find threshold indicators", None))
#endif // QT_CONFIG(accessibility)
        self.indicatorFilter.setPlaceholderText(QCoreApplication.translate("MeetingDecisionForm", u"Type to find indicators (threshold document)", None))
#if QT_CONFIG(accessibility)
        self.indicatorList.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Threshold indicators (tick those that apply)", None))
#endif // QT_CONFIG(accessibility)
        self.suggestion.setText(QCoreApplication.translate("MeetingDecisionForm", u"No indicators ticked: no level suggested.", None))
#if QT_CONFIG(accessibility)
        self.suggestion.setAccessibleDescription(QCoreApplication.translate("MeetingDecisionForm", u"Suggested level", None))
#endif // QT_CONFIG(accessibility)
        self.indicatorsError.setText("")
        self.levelLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"&Level", None))
#if QT_CONFIG(accessibility)
        self.level.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Level", None))
#endif // QT_CONFIG(accessibility)
        self.levelError.setText("")
        self.levelRationaleLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"Level rationale", None))
#if QT_CONFIG(accessibility)
        self.levelRationale.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Rationale for the level", None))
#endif // QT_CONFIG(accessibility)
        self.levelRationale.setPlaceholderText(QCoreApplication.translate("MeetingDecisionForm", u"Needed when overriding the suggestion", None))
        self.levelRationaleError.setText("")
        self.outcomeLevelReasonLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"W&hy this outcome at this level", None))
        self.outcomeLevelPrompt.setText("")
#if QT_CONFIG(accessibility)
        self.outcomeLevelPrompt.setAccessibleDescription(QCoreApplication.translate("MeetingDecisionForm", u"Outcome and level", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.outcomeLevelReason.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Why this outcome at this level", None))
#endif // QT_CONFIG(accessibility)
        self.outcomeLevelReason.setPlaceholderText(QCoreApplication.translate("MeetingDecisionForm", u"Needed when the outcome is not the usual route at this level", None))
        self.outcomeLevelReasonError.setText("")
        self.rationaleLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"Ra&tionale", None))
#if QT_CONFIG(accessibility)
        self.rationale.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Rationale for the decision", None))
#endif // QT_CONFIG(accessibility)
        self.rationaleError.setText("")
        self.actionsLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"Actions", None))
        self.actionTextLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"&Action", None))
#if QT_CONFIG(accessibility)
        self.actionText.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Action: what is to be done", None))
#endif // QT_CONFIG(accessibility)
        self.actionText.setPlaceholderText(QCoreApplication.translate("MeetingDecisionForm", u"What is to be done", None))
        self.actionOwnerLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"Ow&ner", None))
#if QT_CONFIG(accessibility)
        self.actionOwner.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Action owner", None))
#endif // QT_CONFIG(accessibility)
        self.actionDueLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"D&ue", None))
#if QT_CONFIG(accessibility)
        self.actionDue.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Action due date", None))
#endif // QT_CONFIG(accessibility)
        self.actionDue.setDisplayFormat(QCoreApplication.translate("MeetingDecisionForm", u"d MMM yyyy", None))
        self.actionAdd.setText(QCoreApplication.translate("MeetingDecisionForm", u"Add action", None))
#if QT_CONFIG(accessibility)
        self.actionAdd.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Add action", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.actionList.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Actions (Delete removes)", None))
#endif // QT_CONFIG(accessibility)
        self.actionsError.setText("")
        self.informFamilyLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"Inform famil&y", None))
#if QT_CONFIG(accessibility)
        self.informFamily.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Inform the family: who, how", None))
#endif // QT_CONFIG(accessibility)
        self.informFamilyError.setText("")
        self.informReferrerLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"Inform referr&er", None))
#if QT_CONFIG(accessibility)
        self.informReferrer.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Inform the referrer: who, how", None))
#endif // QT_CONFIG(accessibility)
        self.informReferrerError.setText("")
        self.informProfessionalsLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"Inform &professionals", None))
#if QT_CONFIG(accessibility)
        self.informProfessionals.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Inform professionals: who, how", None))
#endif // QT_CONFIG(accessibility)
        self.informProfessionalsError.setText("")
        self.teamLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"Allo&cated team", None))
#if QT_CONFIG(accessibility)
        self.team.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Allocated team", None))
#endif // QT_CONFIG(accessibility)
        self.team.setPlaceholderText(QCoreApplication.translate("MeetingDecisionForm", u"Required for social-care outcomes", None))
        self.teamError.setText("")
        self.workerLabel.setText(QCoreApplication.translate("MeetingDecisionForm", u"Allocated &worker", None))
#if QT_CONFIG(accessibility)
        self.worker.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Allocated worker", None))
#endif // QT_CONFIG(accessibility)
        self.workerError.setText("")
        self.buttonsLabel.setText("")
        self.saveButton.setText(QCoreApplication.translate("MeetingDecisionForm", u"Save draft (Ctrl+S)", None))
#if QT_CONFIG(accessibility)
        self.saveButton.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Save draft", None))
#endif // QT_CONFIG(accessibility)
        self.signButton.setText(QCoreApplication.translate("MeetingDecisionForm", u"Sign as chair (Ctrl+Enter)", None))
#if QT_CONFIG(accessibility)
        self.signButton.setAccessibleName(QCoreApplication.translate("MeetingDecisionForm", u"Sign the decision", None))
#endif // QT_CONFIG(accessibility)
        self.decisionError.setText("")
    # retranslateUi

